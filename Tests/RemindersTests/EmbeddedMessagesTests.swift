import Foundation
import RepositoryFiles
import Testing
@testable import Reminders

struct EmbeddedMessagesTests {
    static let folder = Repository.file("Policies/messages")

    /// The binary carries the shipped templates; they must not drift from the files.
    @Test func embeddedTemplates_equalTheirFiles() throws {
        let files = FileManager.default.enumerator(atPath: Self.folder.path)?.compactMap { $0 as? String }.filter { path in
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent(path).path, isDirectory: &isFolder)
            return !isFolder.boolValue
        } ?? []
        #expect(Set(files) == Set(EmbeddedMessages.files.keys))
        for (path, text) in EmbeddedMessages.files {
            #expect(try String(contentsOf: Self.folder.appendingPathComponent(path), encoding: .utf8) == text, "\(path)")
        }
    }

    @Test func theEmbeddedCatalog_loadsEveryKindInEnglish() throws {
        let catalog = try MessageCatalog.embedded()
        for kind in MessageKind.allCases { #expect(catalog.template(kind, .en) != nil, "\(kind)") }
        #expect(catalog.template(.expiryReminder, .sv)?.language == .sv)
    }
}
