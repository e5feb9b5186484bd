import Basics
import Testing

@testable import ProviderSimulator

@Suite struct RequestParsingTests {
    @Test func multipartTextFields() {
        let body =
            "--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nsora-2\r\n--b\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nline one\r\nline two\r\n--b--\r\n"
        let fields = MultipartFields.fields(Array(body.utf8), contentType: "multipart/form-data; boundary=b")
        #expect(fields == ["model": "sora-2", "prompt": "line one\r\nline two"])
        #expect(MultipartFields.fields(Array(body.utf8), contentType: "application/json") == nil)
    }

    @Test func jsonScalarFields() {
        let fields = JSONValue.requestFields(
            Array(#"{"model":"m","duration":5,"audio":true,"n":1,"nested":{"a":1},"ratio":0.5}"#.utf8))
        #expect(fields == ["model": "m", "duration": "5", "audio": "true", "n": "1"])
        #expect(JSONValue.requestFields(Array("[1]".utf8)) == nil)
    }

    @Test func durations() {
        #expect(durationSeconds("5s") == 5)
        #expect(durationSeconds("8") == 8)
        #expect(durationSeconds("0") == nil)
        #expect(durationSeconds("abc") == nil)
        #expect(durationSeconds(nil) == nil)
    }
}
