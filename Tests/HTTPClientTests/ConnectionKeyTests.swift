import Testing

@testable import HTTPClient

@Suite("HTTPRequest connection key")
struct ConnectionKeyTests {
    @Test(arguments: [
        ("HTTP://User:pw@Example.COM/path", "http://example.com:80"),
        ("https://api.example.com?q=1", "https://api.example.com:443"),
        ("https://api.example.com:8443#frag", "https://api.example.com:8443"),
        ("http://[::1]:8080/x", "http://[::1]:8080"),
        ("http://[::1]/x", "http://[::1]:80"),
    ])
    func keyIsSchemeHostAndPort(url: String, key: String) {
        #expect(HTTPRequest(method: .get, url: url).connectionKey == key)
    }
}
