import Foundation

/// The repository's own folders, found from this file (walking up to Package.swift) rather than
/// from the working directory, so tests read the shipped Policies/, Fixtures/ and Sources/ however
/// they are run. Shared by every test target.
public enum Repository {
    public static let root: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }()

    public static func file(_ path: String) -> URL { root.appendingPathComponent(path) }
}

extension Repository {
    /// The `goodwill` executable built beside the running test bundle (same build folder), else
    /// the package's default debug build.
    public static let goodwillBinary: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("goodwill")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return file(".build/debug/goodwill")
    }()
}
