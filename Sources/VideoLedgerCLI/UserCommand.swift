import ArgumentParser
import Ledger
import Money

/// `videoledger user create|top-up`: operator commands for accounts.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Create users and top up their balances.",
        subcommands: [Create.self, TopUp.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "User id (letters, digits, _.@:-).") var userID: String
        @Option(
            name: .customLong("credit-limit"),
            help: "How far available may go below zero, e.g. 25.00 (default 0: prepaid).")
        var creditLimit = "0"

        func run() async throws {
            let limit = try parseAmount(creditLimit, field: "--credit-limit")
            let pool = try await database.makePool()
            defer { Task { await pool.close() } }
            let created = try await Ledger(pool: pool).createUser(userID, creditLimitMicros: limit)
            print(created ? "created user \(userID)" : "user \(userID) already exists")
        }
    }

    struct TopUp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "top-up", abstract: "Credit a user's available balance.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "User id.") var userID: String
        @Argument(help: "Amount, e.g. 25.00.") var amount: String
        @Option(help: "Currency: USD, XNO or USDC.") var currency = "USD"
        @Option(name: .customLong("idempotency-key"), help: "Makes the top-up safe to repeat.") var key: String

        func run() async throws {
            guard let currency = Currency(code: currency) else {
                throw ValidationError("--currency must be USD, XNO or USDC")
            }
            let micros = try parseAmount(amount, field: "amount")
            let pool = try await database.makePool()
            defer { Task { await pool.close() } }
            let ledger = Ledger(pool: pool)
            try await ledger.topUp(key: key, userID: userID, amount: Money(micros: micros, currency: currency))
            let balance = try await ledger.balance(userID: userID, currency: currency)
            print("\(userID): available \(balance.available), held \(balance.held)")
        }
    }
}

/// Parses a decimal amount argument, or fails with a message naming the field.
func parseAmount(_ text: String, field: String) throws -> Int64 {
    do {
        return try DecimalAmount.micros(from: text)
    } catch {
        throw ValidationError("\(field): \(error.description)")
    }
}
