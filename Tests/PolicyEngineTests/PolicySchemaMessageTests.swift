import Foundation
import RepositoryFiles
import Testing
@testable import PolicyEngine

/// Policies/policy.schema.json is what an editor checks a policy against: its message keys are
/// those a rule may use, no more (a key the loader refuses, like the limit keys since 7 Dec, would
/// be offered and then refused) and no fewer.
@Suite struct PolicySchemaMessageTests {
    /// Every `enum` or `const` under a `message` or `reason` property, each list by itself.
    static func messageLists(_ value: Any, in name: String? = nil) -> [[String]] {
        if let object = value as? [String: Any] {
            var lists: [[String]] = []
            if name == "message" || name == "reason" {
                if let values = object["enum"] as? [String] { lists.append(values) }
                if let value = object["const"] as? String { lists.append([value]) }
            }
            for (key, inner) in object { lists += messageLists(inner, in: key) }
            return lists
        }
        if let array = value as? [Any] { return array.flatMap { messageLists($0) } }
        return []
    }

    @Test func schemaMessageKeys_areTheKeysARuleMayUse() throws {
        let data = try Data(contentsOf: Repository.file("Policies/policy.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let lists = Self.messageLists(schema)
        #expect(!lists.isEmpty)
        var offered: [MessageCatalog.Group: Set<String>] = [:]
        for list in lists {
            let groups = Set(list.map { MessageCatalog.group(of: $0) })
            #expect(groups.count == 1 && groups.first! != nil, "one group per list of known keys: \(list)")
            guard let group = groups.first ?? nil else { continue }
            offered[group, default: []].formUnion(list)
        }
        for group in [MessageCatalog.Group.grant, .refer, .deny, .alternative] {
            #expect(offered[group] ?? [] == Set(MessageCatalog.ruleKeys(group)), "\(group): the schema offers \((offered[group] ?? []).sorted())")
        }
    }

    /// The loader takes each key the schema offers, and refuses a limit key in a rule.
    @Test func loader_takesEveryRuleKey_andRefusesTheLimitKeys() throws {
        func load(_ outcome: String) throws -> Policy {
            let text = #"{"id": "k", "version": 1, "description": "d", "jurisdiction": "any", "limits": {"max_extensions_per_voucher": 2, "max_total_extension_days": 120, "monthly_goodwill_budget": {"SEK": 100000}}, "rules": [{"name": "r", "conditions": [{"fact": "days_since_expiry", "min": 1}], "outcome": \#(outcome)}]}"#
            return try PolicyLoader.load(data: Data(text.utf8), fileName: "k.json", hasher: fakeHasher)
        }
        func outcome(_ key: String) -> String {
            switch MessageCatalog.group(of: key) {
            case .grant: return #"{"kind": "grant", "days": 30, "message": "\#(key)"}"#
            case .refer: return #"{"kind": "refer", "suggested_days": 30, "reason": "\#(key)"}"#
            case .deny: return #"{"kind": "deny", "message": "\#(key)"}"#
            case .alternative, nil:
                let percent = MessageCatalog.english[key]?.contains("{percent}") == true ? #", "percent": 10"# : ""
                return #"{"kind": "deny", "message": "deny.too_late", "alternative": {"message": "\#(key)"\#(percent)}}"#
            }
        }
        for group in [MessageCatalog.Group.grant, .refer, .deny, .alternative] {
            for key in MessageCatalog.ruleKeys(group) {
                #expect(throws: Never.self, "\(key)") { try load(outcome(key)) }
            }
        }
        for key in MessageCatalog.forLimits {
            #expect(throws: PolicyLoadError.self, "\(key)") { try load(outcome(key)) }
        }
    }
}
