import Foundation
import GoodwillCore

/// A Standard Webhooks signing secret: `whsec_` then base64 of at least 24 random bytes.
public struct WebhookSecret: Sendable, Equatable {
    public let key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    public init(parsing text: String) throws(WebhookSecretError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("whsec_") else { throw .missingPrefix }
        guard let data = Data(base64Encoded: String(trimmed.dropFirst(6))) else { throw .notBase64 }
        guard data.count >= 24 else { throw .tooShort(data.count) }
        key = Array(data)
    }

    public var text: String { "whsec_" + Data(key).base64EncodedString() }
}

public enum WebhookSecretError: Error, Equatable, CustomStringConvertible {
    case missingPrefix, notBase64, tooShort(Int)

    public var description: String {
        switch self {
        case .missingPrefix: return "A webhook secret starts with 'whsec_' followed by base64, like whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw."
        case .notBase64: return "The part of the webhook secret after 'whsec_' is not base64."
        case .tooShort(let n): return "The webhook secret holds \(n) bytes; use at least 24 random bytes (for example: openssl rand -base64 32)."
        }
    }
}

/// Signing as Standard Webhooks v1 says: HMAC-SHA256 over `id.timestamp.body`, sent as
/// `webhook-signature: v1,<base64>`, one such signature per secret, space-separated, in the order given.
public enum StandardWebhooks {
    public static func signature(id: String, timestamp: Int64, body: [UInt8], secrets: WebhookSecrets) -> String {
        var signed = Array("\(id).\(timestamp).".utf8)
        signed += body
        return secrets.all.map { "v1," + Data(HMACSHA256.authenticationCode(for: signed, key: $0.key)).base64EncodedString() }
            .joined(separator: " ")
    }

    public static func headers(id: String, timestamp: Int64, body: [UInt8], secrets: WebhookSecrets) -> [String: String] {
        ["webhook-id": id, "webhook-timestamp": String(timestamp),
         "webhook-signature": signature(id: id, timestamp: timestamp, body: body, secrets: secrets)]
    }
}
