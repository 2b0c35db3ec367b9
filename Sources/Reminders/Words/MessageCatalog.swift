import Foundation

/// Every template in a folder (`<lang>/<kind>.txt`) and the issuer settings beside them, loaded and
/// checked once. English must exist for every kind; another language falls back to it file by file.
public struct MessageCatalog: Sendable {
    public let directory: String
    public let settings: ReminderSettings
    private let templates: [MessageKind: [MessageLanguage: MessageTemplate]]

    public static func load(directory: String) throws(TemplateError) -> MessageCatalog {
        let fm = FileManager.default
        var templates: [MessageKind: [MessageLanguage: MessageTemplate]] = [:]
        for kind in MessageKind.allCases {
            for language in MessageLanguage.allCases {
                let file = directory + "/" + language.rawValue + "/" + kind.rawValue + ".txt"
                guard fm.fileExists(atPath: file) else {
                    if language == .en { throw .missingTemplate(file: file) }
                    continue
                }
                let text: String
                do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                    throw .unreadable(file: file, reason: "\(error.localizedDescription) (templates are UTF-8 text)")
                }
                templates[kind, default: [:]][language] = try MessageTemplate(kind: kind, language: language, file: file, text: text)
            }
        }
        let issuerFile = directory + "/issuer.json"
        let settings = fm.fileExists(atPath: issuerFile) ? try ReminderSettings.load(file: issuerFile) : ReminderSettings()
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
