import Basics

/// The nightly report for one UTC day: per-user spend by provider and family, month to date,
/// holds outstanding, quote accuracy, savings against the cheapest quote, provider drift.
public struct NightlyReportRequest: Sendable, Equatable {
    public let date: CalendarDay
    public let outputDirectory: String
    public let formats: Set<ReportFormat>

    public init(date: CalendarDay, outputDirectory: String, formats: Set<ReportFormat> = Set(ReportFormat.allCases)) {
        self.date = date
        self.outputDirectory = outputDirectory
        self.formats = formats
    }

    /// Refuses a day that has not ended in UTC: its figures could still change, and a re-run
    /// would not give the same files.
    public func requireFinished(today: CalendarDay = .today()) throws(ReportError) {
        guard date < today else { throw .dayNotOver(date) }
    }

    var plan: ReportPlan {
        ReportPlan(
            kind: .nightly, fileStem: "nightly-\(date)", title: "Nightly spend report \(date)",
            subtitle: "UTC day \(date); month to date from \(date.firstOfMonth)",
            parameters: [("date", date.description)], outputDirectory: outputDirectory, formats: formats,
            reportDate: date, userID: nil, range: nil)
    }
}

/// One user's spend over an inclusive range of UTC days.
public struct SpendReportRequest: Sendable, Equatable {
    public let userID: String
    public let from: CalendarDay
    public let to: CalendarDay
    public let outputDirectory: String
    public let formats: Set<ReportFormat>

    /// Throws when `from` is after `to` or the range is longer than `ReportLimits.spendRangeDaysMax`.
    public init(
        userID: String, from: CalendarDay, to: CalendarDay, outputDirectory: String,
        formats: Set<ReportFormat> = Set(ReportFormat.allCases)
    ) throws(ReportError) {
        guard from <= to else { throw .rangeReversed(from: from, to: to) }
        let days = Int(to.daysSinceEpoch) - Int(from.daysSinceEpoch) + 1
        guard days <= ReportLimits.spendRangeDaysMax else {
            throw .rangeTooLong(days: days, daysMax: ReportLimits.spendRangeDaysMax)
        }
        self.userID = userID
        self.from = from
        self.to = to
        self.outputDirectory = outputDirectory
        self.formats = formats
    }

    var plan: ReportPlan {
        ReportPlan(
            kind: .spend, fileStem: "spend-\(userID)-\(from)-\(to)", title: "Spend of \(userID), \(from) to \(to)",
            subtitle: "User \(userID); UTC days \(from) to \(to) inclusive",
            parameters: [("user_id", userID), ("from", from.description), ("to", to.description)],
            outputDirectory: outputDirectory, formats: formats, reportDate: nil, userID: userID, range: (from, to))
    }
}

/// What a run needs, whichever report it is.
struct ReportPlan: Sendable {
    let kind: ReportKind
    /// File names: `<stem>.json`, `<stem>.html`, `<stem>-<section>.csv`, `<stem>-totals.csv`.
    let fileStem: String
    let title: String
    let subtitle: String
    /// Named as `ReportKind.parameterNames`, in order: the SQL's `$1…`, the JSON's parameters.
    let parameters: [(name: String, value: String)]
    let outputDirectory: String
    let formats: Set<ReportFormat>
    let reportDate: CalendarDay?
    let userID: String?
    let range: (from: CalendarDay, to: CalendarDay)?

    var sqlParameters: [String] { parameters.map(\.value) }

    /// The days whose transfers the report reads: the nightly's month to date, the spend range.
    var daysRead: (from: CalendarDay, to: CalendarDay)? {
        if let reportDate { return (reportDate.firstOfMonth, reportDate) }
        return range
    }
}
