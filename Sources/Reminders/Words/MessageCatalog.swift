import Foundation

/// Every template in a folder (`<lang>/<kind>.txt`) and the issuer settings beside them, loaded and
/// checked once. English must exist for every kind; another language falls back to it file by file.
public struct MessageCatalog: Sendable {
    public let directory: String
    public let settings: ReminderSettings
    private let templates: [MessageKind: [MessageLanguage: MessageTemplate]]

    public static func load(directory: String) throws(TemplateError) -> MessageCatalog {
        try load(directory: directory) { path throws(TemplateError) -> String? in
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw .unreadable(file: path, reason: "\(error.localizedDescription) (templates are UTF-8 text)")
            }
        }
    }

    /// The templates shipped in Policies/messages, carried inside the binary: used when no folder
    /// of templates is configured or found, so an installed binary still writes every message.
    public static func embedded() throws(TemplateError) -> MessageCatalog {
        let prefix = "embedded:Policies/messages"
        return try load(directory: prefix) { path throws(TemplateError) -> String? in
            EmbeddedMessages.files[String(path.dropFirst(prefix.count + 1))]
        }
    }

    private static func load(directory: String, read: (String) throws(TemplateError) -> String?) throws(TemplateError) -> MessageCatalog {
        var templates: [MessageKind: [MessageLanguage: MessageTemplate]] = [:]
        for kind in MessageKind.allCases {
            for language in MessageLanguage.allCases {
                let file = directory + "/" + language.rawValue + "/" + kind.rawValue + ".txt"
                guard let text = try read(file) else {
                    if language == .en { throw .missingTemplate(file: file) }
                    continue
                }
                templates[kind, default: [:]][language] = try MessageTemplate(kind: kind, language: language, file: file, text: text)
            }
        }
        let issuerFile = directory + "/issuer.json"
        let settings = try read(issuerFile).map { text throws(TemplateError) in try ReminderSettings.load(data: Data(text.utf8), file: issuerFile) } ?? ReminderSettings()
        return MessageCatalog(directory: directory, settings: settings, templates: templates)
    }

    /// The template for the language, else the English one.
    public func template(_ kind: MessageKind, _ language: MessageLanguage) -> MessageTemplate? {
        templates[kind]?[language] ?? templates[kind]?[.en]
    }

    /// Replaces the settings (tests, GOODWILL_MAIL_FROM).
    public func with(settings: ReminderSettings) -> MessageCatalog {
        MessageCatalog(directory: directory, settings: settings, templates: templates)
    }

    private init(directory: String, settings: ReminderSettings, templates: [MessageKind: [MessageLanguage: MessageTemplate]]) {
        self.directory = directory; self.settings = settings; self.templates = templates
    }
}
