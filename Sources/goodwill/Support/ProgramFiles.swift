import Foundation

/// Finds files shipped beside the program (Policies/, Fixtures/): in the working directory, else
/// in a folder above the executable (a build folder inside the repository).
enum ProgramFiles {
    /// The executable's own path: argv[0] may be a bare name found on PATH.
    static var executable: URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    }

    static func find(_ relative: String) -> String? {
        let fm = FileManager.default
        let local = fm.currentDirectoryPath + "/" + relative
        if fm.fileExists(atPath: local) { return local }
        var dir = executable.deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent(relative).path
            if fm.fileExists(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}
