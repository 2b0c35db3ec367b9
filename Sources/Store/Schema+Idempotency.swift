/// Migration 8: one idempotency scope per API key, for every POST.
extension Schema {
    /// The API kept the first answers to its writes that are not ledger commands (notes, cases,
    /// closing, policy activation, reminder retry) under `http:<key name>`, apart from the ledger's
    /// under `<key name>`, so one Idempotency-Key could carry out a redemption and a note both.
    /// They move to the key name. Only API key names (no ':' in them) are behind `http:`; the CLI's
    /// actors are `cli:<user>`. Where the key name already holds that key, both requests were
    /// carried out: OR IGNORE leaves the `http:` record where it is
    /// (https://sqlite.org/lang_conflict.html), and `IdempotentWrite` still answers its retries.
    ///
    /// With the scopes shared, erasure finds the API's answers by their mark ('h1|'), not their
    /// scope; a partial index holds just those, so an erasure (in the writer's transaction, every
    /// write waiting) reads them and not one record per issue and redemption ever made.
    static let idempotencyScopeMigration = Migration(version: 8, name: "one idempotency scope per key", sql: """
        UPDATE OR IGNORE idempotency SET scope = substr(scope, 6) WHERE scope >= 'http:' AND scope < 'http;';
        CREATE INDEX IF NOT EXISTS idempotency_api_answers ON idempotency(scope) WHERE substr(result, 1, 3) = X'68317C';
        """)
}
