import Foundation
import ProviderRegistry
import Yams

extension PriceCatalog {
    /// The families file's name inside the pricing directory.
    public static let familiesFileName = "families.yaml"

    /// Loads every `*.yaml` in `directory`: `families.yaml` and one `<provider>.yaml` per provider.
    /// Throws with every problem found, each as `file:line: message`.
    public static func load(directory: String) throws(PriceCatalogLoadError) -> PriceCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw PriceCatalogLoadError(problems: [
                PriceBookProblem(
                    file: directory, line: 0,
                    message: "cannot list the pricing directory: \(error.localizedDescription)")
            ])
        }
        var files: [String: String] = [:]
        var problems: [PriceBookProblem] = []
        for name in names where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(PriceBookProblem(file: name, line: 0, message: "cannot read \(path)"))
                continue
            }
            guard data.count <= PricingLimits.bookBytesMax else {
                problems.append(
                    PriceBookProblem(
                        file: name, line: 0,
                        message: "file is over \(PricingLimits.bookBytesMax) bytes"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(PriceBookProblem(file: name, line: 0, message: "file is not UTF-8 text"))
                continue
            }
            files[name] = text
        }
        guard problems.isEmpty else { throw PriceCatalogLoadError(problems: problems) }
        return try load(files: files)
    }

    /// Loads books given as file name → YAML text (what `load(directory:)` reads from disk).
    public static func load(files: [String: String]) throws(PriceCatalogLoadError) -> PriceCatalog {
        let log = ProblemLog()
        var documents: [(name: String, root: Node)] = []
        for name in files.keys.sorted() {
            guard name == familiesFileName || ProviderID.allCases.contains(where: { $0.priceBookFileName == name })
            else {
                log.add(
                    name, 0,
                    "unknown price book file; expected \(familiesFileName) or one of "
                        + ProviderID.allCases.map(\.priceBookFileName).joined(separator: ", "))
                continue
            }
            if let root = compose(name: name, text: files[name]!, log: log) { documents.append((name, root)) }
        }
        if !documents.contains(where: { $0.name == familiesFileName }) && !files.keys.contains(familiesFileName) {
            log.add(familiesFileName, 0, "missing: the families file maps each family to its provider models")
        }
        var booksByProvider: [ProviderID: ParsedBook] = [:]
        var families: [ParsedFamily] = []
        for document in documents {
            let reader = YAMLFieldReader(file: document.name, log: log)
            if document.name == familiesFileName {
                families = FamiliesParser(reader: reader).parse(document.root)
            } else if let provider = ProviderID.allCases.first(where: { $0.priceBookFileName == document.name }) {
                booksByProvider[provider] = ProviderBookParser(reader: reader, provider: provider).parse(document.root)
            }
        }
        let linked = link(families: families, books: booksByProvider, files: Set(files.keys), log: log)
        guard log.isEmpty else {
            throw PriceCatalogLoadError(problems: log.problems.sorted { ($0.file, $0.line) < ($1.file, $1.line) })
        }
        return PriceCatalog(
            version: CanonicalForm.version(of: documents), models: linked.models, families: linked.families,
            warnings: log.warnings.sorted { ($0.file, $0.line) < ($1.file, $1.line) })
    }

    private static func compose(name: String, text: String, log: ProblemLog) -> Node? {
        do {
            guard let root = try Yams.compose(yaml: text) else {
                log.add(name, 0, "file is empty")
                return nil
            }
            return root
        } catch let error as YamlError {
            log.add(name, line(of: error), "not valid YAML: \(summary(of: error))")
        } catch {
            log.add(name, 0, "not valid YAML: \(error)")
        }
        return nil
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: 0
        }
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        case .duplicatedKeysInMapping(let duplicates, _): "duplicate key '\(duplicates.first ?? "")'"
        default: "\(error)"
        }
    }

    /// Gives each book model its family, checking that every family member exists, that no model
    /// is in two families and that every model is in one.
    private static func link(
        families parsed: [ParsedFamily], books: [ProviderID: ParsedBook], files: Set<String>,
        log: ProblemLog
    ) -> (models: [PricedModel], families: [ModelFamily]) {
        var familyOfModel: [String: String] = [:]
        func key(_ provider: ProviderID, _ slug: String, _ quality: String?) -> String {
            "\(provider.rawValue)\u{0}\(slug)\u{0}\(quality ?? "")"
        }
        for family in parsed {
            for member in family.members {
                let memberName = member.quality.map { "'\(member.slug)' quality \($0)" } ?? "'\(member.slug)'"
                guard files.contains("\(member.provider.rawValue).yaml") else {
                    log.add(
                        familiesFileName, member.line,
                        "family '\(family.id)' names \(member.provider.rawValue), which has no price book")
                    continue
                }
                guard let book = books[member.provider],
                    book.models.contains(where: { $0.slug == member.slug && $0.quality == member.quality })
                else {
                    // A model that failed to parse has already been reported in its own book.
                    if let book = books[member.provider],
                        !book.slugsSeen.contains(ParsedBook.key(member.slug, member.quality))
                    {
                        log.add(
                            familiesFileName, member.line,
                            "family '\(family.id)': \(member.provider.rawValue) "
                                + "has no model \(memberName) in \(member.provider.rawValue).yaml")
                    }
                    continue
                }
                let modelKey = key(member.provider, member.slug, member.quality)
                if let other = familyOfModel[modelKey] {
                    log.add(
                        familiesFileName, member.line,
                        "\(member.provider.rawValue) model \(memberName) "
                            + "is already in family '\(other)'; a model belongs to one family")
                    continue
                }
                familyOfModel[modelKey] = family.id
            }
        }
        var models: [PricedModel] = []
        for provider in ProviderID.allCases {
            for model in books[provider]?.models ?? [] {
                guard let family = familyOfModel[key(provider, model.slug, model.quality)] else {
                    let name = model.quality.map { "'\(model.slug)' quality \($0)" } ?? "'\(model.slug)'"
                    log.add(
                        "\(provider.rawValue).yaml", model.line, "model \(name) is in no family in \(familiesFileName)")
                    continue
                }
                models.append(model.build(family))
            }
        }
        let families = parsed.sorted { $0.id < $1.id }.map { family in
            ModelFamily(
                id: family.id, name: family.name,
                modelIndices: models.indices.filter { models[$0].family == family.id })
        }
        return (models, families)
    }
}
