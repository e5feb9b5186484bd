import API
import ArgumentParser

/// `videoledger token create|revoke|list`: bearer tokens for the REST API.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, revoke and list API tokens (stored hashed).",
        subcommands: [Create.self, Revoke.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "A unique name for the token.") var name: String
        @Option(help: "read (GET only) or admin (everything).") var scope: String = "read"

        func run() async throws {
            guard let scope = TokenScope(rawValue: scope) else {
                throw ValidationError("--scope must be read or admin")
            }
            let pool = try await database.makePool()
            do {
                let token = try await TokenStore(pool: pool).create(name: name, scope: scope)
                print(token)
            } catch let error as TokenStore.TokenError {
                await pool.close()
                throw ValidationError(error.description)
            }
            await pool.close()
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by name.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The token's name.") var name: String

        func run() async throws {
            let pool = try await database.makePool()
            do {
                try await TokenStore(pool: pool).revoke(name: name)
                print("revoked \(name)")
            } catch let error as TokenStore.TokenError {
                await pool.close()
                throw ValidationError(error.description)
            }
            await pool.close()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (names and scopes, never values).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let pool = try await database.makePool()
            for token in try await TokenStore(pool: pool).list() {
                print("\(token.name)\t\(token.scope.rawValue)\t\(token.revoked ? "revoked" : "active")")
            }
            await pool.close()
        }
    }
}
