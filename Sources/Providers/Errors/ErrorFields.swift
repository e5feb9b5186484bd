import Basics

/// The code and message of a provider error body, whichever of the common shapes it uses:
/// `{error:{code,message}}` (AIMO, AIGate), `{error:{message,type}}` (NanoGPT), `{error:"…",
/// code}` (Venice), `{error:<int>, message}` (NanoGPT openapi), `{message}`. Every field is
/// shortened like a message: a code is provider text too, and ends up in logs and job rows.
struct ErrorFields: Equatable {
    var code: String?
    var type: String?
    var message: String?

    init(code: String? = nil, type: String? = nil, message: String? = nil) {
        self.code = code
        self.type = type
        self.message = message
    }

    init(_ body: JSONValue?) {
        guard let body else { return }
        let nested = body["error"]
        code = ResponseBody.shortened(nested?["code"]?.decimalText ?? body["code"]?.stringValue)
        type = ResponseBody.shortened(nested?["type"]?.stringValue ?? body["type"]?.stringValue)
        message = ResponseBody.shortened(
            nested?["message"]?.stringValue ?? body["message"]?.stringValue ?? nested?.stringValue
                ?? body["details"]?.stringValue
        )
    }

    /// True when the code or type is one of `names`, compared case-insensitively.
    func names(_ names: Set<String>) -> Bool {
        [code, type].contains { $0.map { names.contains($0.lowercased()) } ?? false }
    }
}
