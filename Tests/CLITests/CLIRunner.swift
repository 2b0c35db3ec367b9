import Foundation
import RepositoryFiles

/// Runs the built `goodwill` binary the way a person would, capturing output and exit code.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Immutable after init, so sharing it across the threads of a race test is safe.
final class CLIRunner: @unchecked Sendable {
    let folder: URL
    var database: String { folder.appendingPathComponent("goodwill.db").path }
    let environment: [String: String]

    static var binary: URL { Repository.goodwillBinary }

    init(now: String? = "2025-04-02T10:00:00Z") {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var env = ProcessInfo.processInfo.environment
        env["GOODWILL_DB"] = folder.appendingPathComponent("goodwill.db").path
        env["GOODWILL_SYNCHRONOUS"] = "normal"
        env["USER"] = "tester"
        env["GOODWILL_NOW"] = now
        environment = env
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// `stdout`: where standard output goes instead of being captured (like /dev/full).
    @discardableResult
    func run(_ arguments: [String], env extra: [String: String] = [:], stdout: FileHandle? = nil, binary: URL = CLIRunner.binary) throws -> CLIResult {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.environment = environment.merging(extra) { _, new in new }
        p.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        p.standardOutput = stdout ?? out
        p.standardError = err
        try p.run()
        if stdout != nil { try out.fileHandleForWriting.close() }
        // Read before waiting so a full pipe cannot stall the child.
        let o = stdout == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLIResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Starts the binary and returns at once, with pipes for its output (a server, say).
    func start(_ arguments: [String]) throws -> (Process, stdout: Pipe, stderr: Pipe) {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = arguments
        p.environment = environment
        p.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try run(arguments + ["--json"])
        guard r.status == 0, let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
            throw CLIFailure(result: r)
        }
        return obj
    }

    /// Issues a voucher and returns its code.
    func issue(_ extra: [String] = []) throws -> String {
        let v = try json(["issue", "--amount", "500", "--currency", "SEK"] + extra)
        return v["code"] as? String ?? ""
    }

    /// A fingerprint of everything stored, to show a refused command changed nothing.
    func snapshot() throws -> String {
        let r = try run(["list", "--json", "--limit", "1000"])
        let v = try run(["verify", "--json"])
        return r.stdout + v.stdout
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let result: CLIResult
    var description: String { "exit \(result.status)\nstdout: \(result.stdout)\nstderr: \(result.stderr)" }
}
