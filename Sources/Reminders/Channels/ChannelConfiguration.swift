import Foundation

/// Which channel to deliver through, from command-line options with environment fallbacks
/// (GOODWILL_CHANNEL, GOODWILL_MAILDIR, GOODWILL_SENDMAIL, GOODWILL_WEBHOOK_URL, GOODWILL_WEBHOOK_SECRET),
/// so `goodwill reminders run` and `goodwill serve` read it the same way.
public struct ChannelConfiguration: Sendable, Equatable {
    public var channel: String?
    public var maildir: String?
    public var sendmail: String?
    public var webhookURL: String?
    public var webhookSecret: String?
    public var webhookTimeout: TimeInterval

    public init(channel: String? = nil, maildir: String? = nil, sendmail: String? = nil, webhookURL: String? = nil,
                webhookSecret: String? = nil, webhookTimeout: TimeInterval = 10) {
        self.channel = channel; self.maildir = maildir; self.sendmail = sendmail
        self.webhookURL = webhookURL; self.webhookSecret = webhookSecret; self.webhookTimeout = webhookTimeout
    }

    /// Fills what the options left open from the environment.
    public func withFallbacks(from env: [String: String]) -> ChannelConfiguration {
        func e(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }
        var c = self
        c.channel = channel ?? e("GOODWILL_CHANNEL")
        c.maildir = maildir ?? e("GOODWILL_MAILDIR")
        c.sendmail = sendmail ?? e("GOODWILL_SENDMAIL")
        c.webhookURL = webhookURL ?? e("GOODWILL_WEBHOOK_URL")
        c.webhookSecret = webhookSecret ?? e("GOODWILL_WEBHOOK_SECRET")
        return c
    }

    /// The channel; maildir by default, in `maildir/` beside the database.
    /// `environment` names the webhook program when GOODWILL_WEBHOOK_HELPER is set (`WebhookHelper`).
    public func makeChannel(databasePath: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(ReminderError) -> any DeliveryChannel {
        switch channel ?? "maildir" {
        case "maildir":
            // Given but empty ("--maildir ''"): refused, not read as "/tmp", "/new"… at the root.
            if let maildir, maildir.trimmingCharacters(in: .whitespaces).isEmpty {
                throw .invalidChannel("--maildir (or GOODWILL_MAILDIR) names no folder; give a path, like /var/mail/goodwill, or leave it out for maildir/ beside the database.")
            }
            let dir = maildir ?? URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("maildir").path
            return MaildirChannel(root: dir)
        case "sendmail":
            // Empty, every message would fail for good and the run still end well.
            if let sendmail, sendmail.trimmingCharacters(in: .whitespaces).isEmpty {
                throw .invalidChannel("--sendmail (or GOODWILL_SENDMAIL) names no program; give one, like '/usr/sbin/sendmail -t -i', or leave it out for that default.")
            }
            return SendmailChannel(command: sendmail ?? SendmailChannel.defaultCommand)
        case "webhook":
            guard let text = webhookURL, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host != nil else {
                throw .invalidChannel("The webhook channel needs --webhook-url (or GOODWILL_WEBHOOK_URL) with an http or https URL, like https://example.com/hooks/goodwill.")
            }
            guard let secretText = webhookSecret else {
                throw .invalidChannel("The webhook channel needs --webhook-secret (or GOODWILL_WEBHOOK_SECRET), a secret like whsec_<base64 of 24+ random bytes> (while rotating keys, the new one and the old one separated by a space), so the receiver can verify each message.")
            }
            let secrets: WebhookSecrets
            do { secrets = try WebhookSecrets(parsing: secretText) } catch { throw .invalidChannel(error.description) }
            // Refused up front rather than every message failing (and waiting) one by one.
            let helper = WebhookHelper.locate(environment: environment)
            if let problem = WebhookHelper.problem(at: helper) { throw .invalidChannel("The webhook channel " + problem + ".") }
            return WebhookChannel(url: url, secrets: secrets, timeout: webhookTimeout, helper: helper)
        case let other:
            throw .invalidChannel("'\(other)' is not a channel. Use maildir, sendmail or webhook.")
        }
    }
}
