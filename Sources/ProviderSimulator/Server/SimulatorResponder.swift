import Hummingbird
import ProviderRegistry

/// The Hummingbird face of one simulated provider: reads the request (bounded), sends control
/// routes to `ControlRoutes`, draws the configured random fault, and otherwise lets the
/// provider's simulation answer.
struct SimulatorResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let provider: ProviderID
    let simulation: any ProviderSimulation
    let requestBodyBytesMax: Int

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: requestBodyBytesMax)
        } catch {
            return Self.response(
                simulation.errorResponse(
                    status: 413, code: "payload_too_large", message: "Body over \(requestBodyBytesMax) bytes"))
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let simulated = SimRequest(
            method: request.method.rawValue, path: request.uri.path, query: query, headers: headers,
            body: Array(body.readableBytesView), authority: request.head.authority ?? headers["host"] ?? "127.0.0.1")
        let answer = await answer(simulated)
        if answer.delayMilliseconds > 0 {
            try? await Task.sleep(for: .milliseconds(answer.delayMilliseconds))
        }
        return Self.response(answer)
    }

    private func answer(_ request: SimRequest) async -> SimResponse {
        if request.path.hasPrefix(ControlRoutes.prefix) {
            return ControlRoutes(state: simulation.state).respond(to: request)
        }
        guard request.path.hasPrefix(provider.descriptor.basePath) else { return simulation.notFound("route") }
        var scoped = request
        scoped.path = String(request.path.dropFirst(provider.descriptor.basePath.count))
        let fault = simulation.state.drawFault()
        if let replaced = simulation.replacement(for: fault, request: scoped) { return replaced }
        return simulation.altering(await simulation.respond(to: scoped), by: fault)
    }

    private static func response(_ answer: SimResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPFields.Element.Name(name) {
                fields.append(HTTPFields.Element(name: fieldName, value: value))
            }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
