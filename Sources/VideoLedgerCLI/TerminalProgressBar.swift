import Foundation
import Reports
import Synchronization

/// A one-line progress bar on standard error: sections done out of all, the current section and
/// its rows so far. Drawn only when standard error is a terminal (cron and pipes get nothing),
/// and at most every `redrawIntervalNanoseconds`, so streaming is never slowed by the terminal.
final class TerminalProgressBar: ReportProgress {
    static let barWidth = 24
    static let redrawIntervalNanoseconds: UInt64 = 100_000_000

    private struct State {
        var sections: [String] = []
        var done = 0
        var current = 0
        var rows = 0
        var lastDraw: UInt64 = 0
    }

    private let state = Mutex(State())

    /// A bar when standard error is a terminal, else nil (quiet).
    static func ifTerminal() -> TerminalProgressBar? {
        isatty(STDERR_FILENO) == 1 ? TerminalProgressBar() : nil
    }

    func started(sections: [String]) {
        draw(force: true) { $0.sections = sections }
    }

    func rowsStreamed(section index: Int, rows: Int) {
        draw(force: false) {
            $0.current = index
            $0.rows = rows
        }
    }

    func sectionFinished(section index: Int, rows: Int) {
        draw(force: true) {
            $0.done = index + 1
            $0.current = min(index + 1, max(0, $0.sections.count - 1))
            $0.rows = 0
        }
    }

    func finished() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private func draw(force: Bool, _ update: (inout State) -> Void) {
        let line: String? = state.withLock { state in
            update(&state)
            let now = DispatchTime.now().uptimeNanoseconds
            guard force || now - state.lastDraw >= Self.redrawIntervalNanoseconds else { return nil }
            state.lastDraw = now
            let total = max(1, state.sections.count)
            let filled = state.done * Self.barWidth / total
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: Self.barWidth - filled)
            let name =
                state.sections.indices.contains(state.current) && state.done < state.sections.count
                ? state.sections[state.current] : "done"
            return "\r\u{1B}[K[\(bar)] \(state.done)/\(state.sections.count) \(name) \(state.rows) rows"
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }
}
