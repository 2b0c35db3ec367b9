import Foundation

/// The secrets each webhook is signed with: one, or while rotating keys the new one and the old
/// ones receivers still hold. Standard Webhooks sends one signature per secret, space-separated in
/// one `webhook-signature` header, so a receiver holding any of them verifies.
public struct WebhookSecrets: Sendable, Equatable {
    /// A new secret and the old ones still being retired; more is a rotation left unfinished.
    public static let maximum = 4

    /// In the order given (the new one first, by convention); never empty, no two alike.
    public let all: [WebhookSecret]

    public init(_ secret: WebhookSecret) { all = [secret] }

    public init(_ secrets: [WebhookSecret]) throws(WebhookSecretsError) {
        guard !secrets.isEmpty else { throw .empty }
        guard secrets.count <= Self.maximum else { throw .tooMany(secrets.count) }
        for (i, secret) in secrets.enumerated() {
            if let first = secrets[..<i].firstIndex(of: secret) { throw .duplicate(first + 1, i + 1) }
        }
        all = secrets
    }

    /// Secrets separated by spaces (any run of whitespace), each read as `WebhookSecret(parsing:)` reads one.
    public init(parsing text: String) throws(WebhookSecretsError) {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty else { throw .empty }
        guard words.count <= Self.maximum else { throw .tooMany(words.count) }
        var secrets: [WebhookSecret] = []
        for (i, word) in words.enumerated() {
            // Base64 has no comma, so a comma can only be a separator other than the one we take.
            guard !word.contains(",") else { throw .comma(position: i + 1) }
            do { secrets.append(try WebhookSecret(parsing: String(word))) } catch {
                throw .invalid(position: i + 1, of: words.count, error)
            }
        }
        try self.init(secrets)
    }
}

/// What is wrong with a list of webhook secrets; by position, never showing a secret.
public enum WebhookSecretsError: Error, Equatable, CustomStringConvertible {
    case empty
    case tooMany(Int)
    case comma(position: Int)
    case invalid(position: Int, of: Int, WebhookSecretError)
    case duplicate(Int, Int)

    public var description: String {
        switch self {
        case .empty:
            return "No webhook secret was given; give one like whsec_<base64 of 24+ random bytes> (while rotating keys, the new one and the old one separated by a space)."
        case .tooMany(let n):
            return "\(n) webhook secrets were given; at most \(WebhookSecrets.maximum). Give the new one and the old ones receivers still hold, and drop an old one once no receiver uses it."
        case .comma(let position):
            return "Webhook secret \(position) holds a comma; separate several secrets with spaces, like 'whsec_<new> whsec_<old>'."
        case .invalid(_, 1, let error):
            return error.description
        case .invalid(let position, let count, let error):
            let why = error.description
            return "Webhook secret \(position) of \(count) is wrong: " + why.prefix(1).lowercased() + why.dropFirst()
        case .duplicate(let first, let again):
            return "Webhook secrets \(first) and \(again) are the same; give each secret once."
        }
    }
}
