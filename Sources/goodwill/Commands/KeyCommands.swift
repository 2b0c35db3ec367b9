import ArgumentParsing
import Foundation
import GoodwillAPI
import GoodwillCore
import Ledger

/// `goodwill keys …`: API keys for the HTTP API. A secret is printed once and only its hash is kept.
enum KeyCommands {
    static var commands: [Command] {
        [Command("keys", abstract: "API keys: create (the secret is shown once), list, revoke.",
                 discussion: "Roles: admin (everything), issuer (issue, read vouchers), redeemer (redeem, reverse its own redemptions, read a voucher by code), support (read everything, extensions, block/unblock), auditor (read only). A key's name is the actor on every ledger entry it makes.",
                 subcommands: [
            Command("create", abstract: "Create a key and print its secret, once.", options: [
                Option("role", valueName: "role", help: "What the key may do.", required: true, allowedValues: Role.allCases.map(\.rawValue)),
                Option("name", valueName: "name", help: "A name for the key, like pos-store-12 (letters, digits, '.', '_', '-').", required: true),
            ]),
            Command("list", abstract: "List the keys (never their secrets)."),
            Command("revoke", abstract: "Revoke a key: requests with it get 401 from now on.",
                    arguments: [Argument("name", help: "The key's name.")]),
        ])]
    }

    static var handlers: [[String]: (CLIContext) throws -> Int32] {
        [["keys", "create"]: create, ["keys", "list"]: list, ["keys", "revoke"]: revoke]
    }

    /// `mayCreate`: the first key is part of setting a database up; listing or revoking needs one,
    /// and listing only reads it.
    static func store(_ c: CLIContext, mayCreate: Bool = false, reading: Bool = false) throws -> (Ledger, APIKeyStore) {
        let ledger = try mayCreate ? c.createOrOpenLedger() : reading ? c.readLedger() : c.openLedger()
        return (ledger, APIKeyStore(ledger.db))
    }

    static func create(_ c: CLIContext) throws -> Int32 {
        // The parser takes only Role's raw values (the option's allowedValues) and refuses any
        // other, listing them, so the role is always one.
        let role = Role(rawValue: try c.required("role"))!
        let name = try c.required("name")
        // Checked again by the store, but there only once the database is open (and so created).
        guard APIKeyStore.isValid(name: name) else { throw CLIError.failure(APIKeyError.invalidName(name).description) }
        let (ledger, keys) = try store(c, mayCreate: true)
        let key: NewAPIKey
        do { key = try keys.create(name: name, role: role, now: ledger.clock.now()) } catch let e as APIKeyError {
            throw CLIError.failure(e.description)
        }
        do {
            if c.json {
                try c.print(try Output.json(key))
            } else {
                try c.print("""
                    Created \(key.role.rawValue) key '\(key.name)'. Its secret, shown only this once:

                      \(key.secret)

                    Send it as 'Authorization: Bearer \(key.secret)'. Only its hash is stored; if it is lost, revoke the key and create another.
                    """)
            }
            return 0
        } catch CLIError.output(let error) {
            // The key exists and only its hash is kept: a secret nobody saw must not stay valid.
            throw CLIError.failedAfterStoring("Created \(key.role.rawValue) key '\(key.name)', but its secret could not be shown (writing to standard output failed: \(error)). "
                + "Only its hash is stored, so revoke it with 'goodwill keys revoke \(key.name)' and create another.")
        }
    }

    static func list(_ c: CLIContext) throws -> Int32 {
        let keys = try store(c, reading: true).1.list()
        try c.emit(keys, text: keys.isEmpty ? "No keys yet. Create the first with 'goodwill keys create --role admin --name admin'."
            : Output.table(["NAME", "ROLE", "PREFIX", "CREATED", "REVOKED"], keys.map {
                [$0.name, $0.role.rawValue, $0.prefix + "…", $0.createdAt, $0.revokedAt ?? ""]
            }))
        return 0
    }

    static func revoke(_ c: CLIContext) throws -> Int32 {
        let (ledger, keys) = try store(c)
        let name = try c.required("name")
        do { try keys.revoke(name: name, now: ledger.clock.now()) } catch let e as APIKeyError { throw CLIError.failure(e.description) }
        try c.emit(["name": name, "revoked": "true"], text: "Revoked key '\(name)'. Requests with it get 401 (a running server stops accepting it within a second).")
        return 0
    }
}
