import Foundation
import Hummingbird
import Logging
import Postgres
import Pricing
import ProviderRegistry
import TestSupport
import Testing
import Yams

@testable import API

@Suite struct OpenAPIDocumentTests {
    /// Routes the document specifies ahead of their implementation. Remove an entry when its
    /// route is registered.
    static let pending: Set<String> = []

    static func routerOperations() throws -> Set<String> {
        // The router is built, not run: the pool never connects.
        let pool = PostgresPool(.init(connectionString: "host=/nonexistent dbname=none"))
        let catalog = try PriceCatalog.load(directory: TestDatabase.repositoryRoot + "/pricing")
        let router = VideoLedgerApplication.router(
            configuration: .init(),
            dependencies: .init(
                pool: pool, catalog: catalog, authenticator: TokenAuthenticator(store: TokenStore(pool: pool))))
        return Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
    }

    @Test func everyRouteTheRouterAnswersIsDocumented() throws {
        let routes = try Self.routerOperations()
        let documented = OpenAPISpec.shared.operations
        #expect(routes.count >= 11)
        #expect(routes.subtracting(documented).isEmpty, "undocumented: \(routes.subtracting(documented).sorted())")
        // Nothing documented that is neither served nor announced as pending.
        #expect(
            documented.subtracting(routes).subtracting(Self.pending).isEmpty,
            "documented but not served: \(documented.subtracting(routes).subtracting(Self.pending).sorted())")
        // A pending route that is now served should leave the pending list.
        #expect(
            Self.pending.intersection(routes).isEmpty,
            "now served, drop from pending: \(Self.pending.intersection(routes).sorted())")
    }

    @Test func theDocumentIsOpenAPI31WithResolvableReferences() throws {
        let spec = OpenAPISpec.shared
        #expect(spec.root["openapi"] as? String == "3.1.0")
        var unresolved: [String] = []
        func walk(_ node: Any) {
            if let mapping = node as? [String: Any] {
                if let reference = mapping["$ref"] as? String, spec.resolve(reference) == nil {
                    unresolved.append(reference)
                }
                mapping.values.forEach(walk)
            } else if let list = node as? [Any] {
                list.forEach(walk)
            }
        }
        walk(spec.root)
        #expect(unresolved.isEmpty, "\(unresolved)")
        // Every operation documents the error shape for 401 unless it is open.
        for (path, item) in spec.paths {
            for (method, operation) in item {
                guard let operation = operation as? [String: Any],
                    let responses = operation["responses"] as? [String: Any]
                else { continue }
                let open = (operation["security"] as? [Any])?.isEmpty == true
                #expect(open || responses["401"] != nil, "\(method) \(path) lacks 401")
            }
        }
    }

    /// The patterns the code checks requests with are the document's, character for character.
    @Test func theCodeChecksTheDocumentsPatterns() throws {
        let schemas = try #require(
            (OpenAPISpec.shared.root["components"] as? [String: Any])?["schemas"] as? [String: Any])
        func pattern(_ name: String) -> String? { (schemas[name] as? [String: Any])?["pattern"] as? String }
        #expect(pattern("PositiveAmount") == InputRules.positiveAmountPattern)
        #expect(pattern("NonNegativeAmount") == InputRules.nonNegativeAmountPattern)
        #expect(pattern("UserID") == InputRules.userIDPattern)
        #expect(pattern("Date") == InputRules.datePattern)
        #expect(pattern("InstantInput") == InputRules.instantPattern)
        #expect(pattern("DurationText") == InputRules.durationTextPattern)
        #expect(pattern("ResolutionText") == InputRules.resolutionPattern)
        #expect(pattern("TokenName") == TokenStore.namePattern)
        #expect((schemas["AspectRatio"] as? [String: Any])?["enum"] as? [String] == InputRules.aspectRatios)
        #expect((schemas["Mode"] as? [String: Any])?["enum"] as? [String] == InputRules.modes)
        #expect((schemas["ProviderID"] as? [String: Any])?["enum"] as? [String] == InputRules.providers)
        let key =
            ((OpenAPISpec.shared.root["components"] as? [String: Any])?["parameters"] as? [String: Any])?[
                "IdempotencyKey"] as? [String: Any]
        #expect((key?["schema"] as? [String: Any])?["pattern"] as? String == IdempotencyKey.pattern)
    }

    /// Every provider enum in the document (the `ProviderID` schema, the job request's
    /// `cheapest`-or-provider choice, any other) lists exactly the registry's providers, in order.
    @Test func everyProviderEnumIsTheRegistry() {
        var enums: [[String]] = []
        func walk(_ node: Any) {
            if let object = node as? [String: Any] {
                if let values = object["enum"] as? [String], values.contains(ProviderID.aimo.rawValue) {
                    enums.append(values)
                }
                object.values.forEach(walk)
            } else if let array = node as? [Any] {
                array.forEach(walk)
            }
        }
        walk(OpenAPISpec.shared.root)
        let registry = ProviderID.allCases.map(\.rawValue)
        #expect(enums.count >= 2)
        for values in enums {
            #expect(values.filter { $0 != "cheapest" } == registry, "\(values) is not \(registry)")
        }
    }

    @Test func theServiceServesTheDocument() async throws {
        let server = try await APITestServer.start()
        let served = try await server.request(.get, "/openapi.yaml", token: .read)
        #expect(served.status == 200)
        #expect(served.body == VideoLedgerApplication.openAPIDocument)
        await server.stop()
    }

    @Test func theValidatorRejectsWhatTheSchemasForbid() throws {
        let spec = OpenAPISpec.shared
        let error = #"{"error":{"code":"not_found","message":"x"}}"#
        #expect(
            spec.violations(
                method: "GET", path: "/v1/users/a/balance", status: 404, body: Data(error.utf8), contentType: nil
            ).isEmpty)
        let floatMoney =
            #"{"user_id":"a","currency":"USD","available":0.8,"held":"0.000000","credit_limit":"0.000000"}"#
        #expect(
            !spec.violations(
                method: "GET", path: "/v1/users/a/balance", status: 200, body: Data(floatMoney.utf8), contentType: nil
            ).isEmpty)
        let fiveDecimals =
            #"{"user_id":"a","currency":"USD","available":"0.80000","held":"0.000000","credit_limit":"0.000000"}"#
        #expect(
            !spec.violations(
                method: "GET", path: "/v1/users/a/balance", status: 200, body: Data(fiveDecimals.utf8), contentType: nil
            ).isEmpty)
        let badCurrency =
            #"{"user_id":"a","currency":"EUR","available":"0.800000","held":"0.000000","credit_limit":"0.000000"}"#
        #expect(
            !spec.violations(
                method: "GET", path: "/v1/users/a/balance", status: 200, body: Data(badCurrency.utf8), contentType: nil
            ).isEmpty)
        #expect(
            !spec.violations(
                method: "GET", path: "/v1/users/a/balance", status: 418, body: Data(error.utf8), contentType: nil
            ).isEmpty)
        #expect(
            !spec.violations(method: "GET", path: "/v1/nope", status: 200, body: Data("{}".utf8), contentType: nil)
                .isEmpty)
        #expect(
            !spec.violations(
                method: "GET", path: "/v1/jobs", status: 200, body: Data(#"{"jobs":[],"limit":5}"#.utf8),
                contentType: nil
            ).isEmpty)
        #expect(
            spec.violations(
                method: "GET", path: "/v1/jobs", status: 200,
                body: Data(#"{"jobs":[],"limit":5,"next_cursor":null}"#.utf8),
                contentType: nil
            ).isEmpty)
    }
}

/// The byte-by-byte checks on hot routes agree with the document's patterns they stand for.
@Suite struct InputRuleTests {
    @Test(arguments: [
        "a", "A", "0", "alice", "a:b", "x@y.z", "a_b-c.d", String(repeating: "u", count: 128), "",
        "-a", "_a", ".a", "a b", "a/b", "é", "a\u{0}", String(repeating: "u", count: 129), "a%3Ab", "ab\n",
    ])
    func userIDsMatchThePattern(text: String) {
        #expect(!InputRules.matches("ab\n", InputRules.userIDPattern), "a final newline is not a match")
        #expect(
            InputRules.isUserID(text) == InputRules.matches(text, InputRules.userIDPattern), "\(text.debugDescription)")
    }

    @Test(arguments: [
        "2026-03-01", "1970-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
        "1969-12-31", "0000-01-01", "26-03-01", "2026-3-01", "2026/03/01", "2026-03-01T", "２０２６-03-01", "20260-3-01",
    ])
    func datesMatchThePattern(text: String) {
        #expect(InputRules.isDateText(text) == InputRules.matches(text, InputRules.datePattern), "\(text)")
    }
}
