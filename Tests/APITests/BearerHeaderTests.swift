import Testing

@testable import API

@Suite struct BearerHeaderTests {
    private func token(_ header: String) -> String? {
        TokenAuthenticator.bearerToken(header).map { String(decoding: Array($0), as: UTF8.self) }
    }

    @Test func acceptsTheSchemeInAnyCaseAndTrimsSpaces() {
        #expect(token("Bearer vl_abc") == "vl_abc")
        #expect(token("bearer vl_abc") == "vl_abc")
        #expect(token("BEARER   vl_abc  ") == "vl_abc")
    }

    @Test func refusesEverythingElse() {
        for header in [
            "", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNz", "Bearervl_abc", "Bearer\u{0}vl_abc",
            "Beare@ vl_abc",
            "Bearer " + String(repeating: "x", count: 200),
        ] {
            #expect(token(header) == nil, "\(header.prefix(20))")
        }
    }
}
