import Foundation
import GoodwillCore
import PolicyEngine
import Store

extension Ledger {
    public static let hasher: PolicyLoader.Hasher = { SHA256.hash(Array($0)).hexString }

    /// Jurisdiction a new database starts with: Sweden, matching the default time zone.
    public static let defaultJurisdiction = "SE"

    var policies: PolicyStore { PolicyStore(db) }

    /// A new database starts with the shipped default policy active and the default jurisdiction
    /// set. Reads first, so opening a database that has them takes no write lock.
    func installDefaults(now: Date) throws {
        if try policies.active(issuer: configuration.issuer) != nil, try policies.jurisdiction(issuer: configuration.issuer) != nil { return }
        try db.writeTransaction {
            if try policies.active(issuer: configuration.issuer) == nil {
                guard let text = EmbeddedPolicies.policies["default.json"] else { return }
                _ = try install(policyData: Data(text.utf8), fileName: "default.json", actor: "system", now: now)
            }
            if try policies.jurisdiction(issuer: configuration.issuer) == nil, let text = EmbeddedPolicies.jurisdictions[Self.defaultJurisdiction] {
                try policies.setJurisdiction(issuer: configuration.issuer, code: Self.defaultJurisdiction, source: Array(text.utf8), at: now, by: "system")
            }
        }
    }

    /// The active policy, parsed once per version and cached. Stored bytes are read as they were
    /// when stored (`stored: true`): a check added since must not stop every decision.
    public func activePolicy() throws -> Policy {
        guard let active = try policies.active(issuer: configuration.issuer) else {
            throw LedgerError.invalidRequest("No goodwill policy is active. Activate one with 'goodwill policy activate FILE'.")
        }
        if let cached = policyCache, cached.id == active.policyID, cached.version == active.version { return cached }
        guard let stored = try policies.policy(id: active.policyID, version: active.version) else {
            throw LedgerError.invalidRequest("The active policy \(active.policyID) v\(active.version) is missing from the database.")
        }
        let policy: Policy
        do { policy = try PolicyLoader.load(data: Data(stored.source), fileName: stored.fileName, hasher: Self.hasher, stored: true) } catch {
            throw LedgerError.invalidPolicy(error.description)
        }
        policyCache = policy
        return policy
    }

    /// The jurisdiction preset in force, parsed once per stored content and cached. Keyed by the
    /// stored bytes, as the active policy is by id and version (which keep their content): a preset
    /// may be replaced by another with the same code and other rules, from another connection.
    public func jurisdiction() throws -> JurisdictionPreset? {
        guard let row = try policies.jurisdiction(issuer: configuration.issuer) else { return nil }
        if let cached = presetCache, cached.source == row.source { return cached.preset }
        let preset: JurisdictionPreset
        do { preset = try JurisdictionPreset.load(data: Data(row.source), fileName: "\(row.code).json", stored: true) } catch {
            throw LedgerError.invalidPolicy("The stored jurisdiction preset \(row.code) does not load: \(error)")
        }
        presetCache = (row.source, preset)
        return preset
    }

    // MARK: Managing policies

    /// Checks a policy file without storing anything.
    public func validatePolicy(data: Data, fileName: String) throws -> Policy {
        do { return try PolicyLoader.load(data: data, fileName: fileName, hasher: Self.hasher) } catch {
            throw LedgerError.invalidPolicy(error.description)
        }
    }

    /// What activating a valid policy would do in this database.
    public struct PolicyCheck: Sendable {
        public let policy: Policy
        /// This id and version is stored with the same content: activating only makes it the active one.
        public let stored: Bool
        /// It is the active version now.
        public let active: Bool
    }

    /// Checks a policy file as `activatePolicy` would, storing nothing: the file itself, then that
    /// its id and version is not already stored here with other content (which activating refuses,
    /// in the same words).
    public func checkPolicy(data: Data, fileName: String) throws -> PolicyCheck {
        return try db.readTransaction {
            let policy = try loadForActivation(data: data, fileName: fileName)
            let stored = try storedVersion(of: policy, fileName: fileName) != nil
            let active = try policies.active(issuer: configuration.issuer)
            return PolicyCheck(policy: policy, stored: stored,
                               active: stored && active?.policyID == policy.id && active?.version == policy.version)
        }
    }

    /// The stored row of this id and version, nil when there is none; refused when its content differs.
    private func storedVersion(of policy: Policy, fileName: String) throws -> PolicyStore.StoredPolicy? {
        guard let existing = try policies.policy(id: policy.id, version: policy.version) else { return nil }
        guard existing.hash == policy.contentHash else {
            let highest = try policies.highestVersion(id: policy.id)
            // Versions stop at Int32.max (the loader's bound); past it there is no number to offer.
            let next = highest < Int(Int32.max) ? " a new version number: \(highest + 1) (the highest stored is \(highest))." : " a new id."
            throw LedgerError.invalidPolicy("\(fileName): policy \(policy.id) version \(policy.version) is already stored with different content, and a version must keep its meaning, so it cannot be activated. Give the changed policy" + next)
        }
        return existing
    }

    /// Stores (if new) and activates a policy version. A version already stored with other content
    /// is refused: decisions name id and version, so a version must never change meaning.
    @discardableResult
    public func activatePolicy(data: Data, fileName: String, actor: String) throws -> PolicyInfo {
        let now = clock.now()
        let policy = try db.writeTransaction { try install(policyData: data, fileName: fileName, actor: actor, now: now) }
        return try policyInfos().first { $0.id == policy.id && $0.version == policy.version } ?? PolicyInfo(
            id: policy.id, version: policy.version, hash: policy.contentHash, fileName: fileName, description: policy.description,
            jurisdiction: policy.jurisdiction, rules: policy.rules.count, active: true, addedAt: RFC3339.format(now))
    }

    /// A file being activated gets every check, unless these very bytes are already stored as
    /// its id and version: rolling back to a version accepted before a later check existed (a
    /// shadowed rule, a name given twice) reads it as it was stored, as deciding with it does.
    private func loadForActivation(data: Data, fileName: String) throws -> Policy {
        do { return try validatePolicy(data: data, fileName: fileName) } catch {
            if let asStored = try? PolicyLoader.load(data: data, fileName: fileName, hasher: Self.hasher, stored: true),
               let existing = try policies.policy(id: asStored.id, version: asStored.version), existing.hash == asStored.contentHash {
                return asStored
            }
            throw error
        }
    }

    private func install(policyData data: Data, fileName: String, actor: String, now: Date) throws -> Policy {
        let policy = try loadForActivation(data: data, fileName: fileName)
        if try storedVersion(of: policy, fileName: fileName) == nil {
            try policies.insert(.init(id: policy.id, version: policy.version, hash: policy.contentHash, source: Array(data),
                                      fileName: fileName, addedAt: now))
        }
        try policies.activate(issuer: configuration.issuer, id: policy.id, version: policy.version, at: now, by: actor)
        return policy
    }

    public func policyInfos() throws -> [PolicyInfo] {
        let active = try policies.active(issuer: configuration.issuer)
        return try policies.allPolicies().map { p in
            let loaded = try? PolicyLoader.load(data: Data(p.source), fileName: p.fileName, hasher: Self.hasher, stored: true)
            return PolicyInfo(id: p.id, version: p.version, hash: p.hash, fileName: p.fileName,
                              description: loaded?.description ?? "", jurisdiction: loaded?.jurisdiction ?? "",
                              rules: loaded?.rules.count ?? 0, active: active?.policyID == p.id && active?.version == p.version,
                              addedAt: RFC3339.format(p.addedAt))
        }
    }

    /// Sets the law in force from a shipped preset code (SE, DE, US-CA…) or a preset file's bytes.
    @discardableResult
    public func setJurisdiction(code: String? = nil, data: Data? = nil, actor: String) throws -> JurisdictionPreset {
        let bytes: Data
        if let data { bytes = data } else if let code, let text = EmbeddedPolicies.jurisdictions[code.uppercased()] {
            bytes = Data(text.utf8)
        } else {
            let known = EmbeddedPolicies.jurisdictions.keys.sorted().joined(separator: ", ")
            throw LedgerError.invalidRequest("'\(code ?? "")' is not a shipped jurisdiction. Use one of \(known), or give a preset file.")
        }
        let preset: JurisdictionPreset
        do { preset = try JurisdictionPreset.load(data: bytes, fileName: code.map { "\($0).json" } ?? "preset.json") } catch {
            throw LedgerError.invalidPolicy("\(error)")
        }
        let now = clock.now()
        try db.writeTransaction {
            try policies.setJurisdiction(issuer: configuration.issuer, code: preset.code, source: Array(bytes), at: now, by: actor)
        }
        presetCache = nil
        return preset
    }
}
