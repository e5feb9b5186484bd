import Testing

@Suite struct ReportsSmokeTests {
    @Test func placeholder() {}
}
