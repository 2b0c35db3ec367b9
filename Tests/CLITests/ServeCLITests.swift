import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `goodwill keys` and `goodwill serve` as an operator runs them.
@Suite struct ServeCLITests {
    @Test func keysCreateJSON_printsExactlyNameRoleAndSecret() throws {
        let cli = CLIRunner()
        let r = try cli.run(["keys", "create", "--role", "redeemer", "--name", "till-1", "--json"])
        #expect(r.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["name", "role", "secret"])
        #expect(object["name"] as? String == "till-1" && object["role"] as? String == "redeemer")
        let list = try cli.run(["keys", "list"])
        #expect(list.stdout.contains("till-1") && !list.stdout.contains(object["secret"] as! String))
        #expect(try cli.run(["keys", "create", "--role", "admin", "--name", "till-1"]).status == 1)
        #expect(try cli.run(["keys", "create", "--role", "boss", "--name", "x"]).status == 64)
        #expect(try cli.run(["keys", "revoke", "till-1"]).status == 0)
        #expect(try cli.run(["keys", "list"]).stdout.contains("Z"))  // the revocation instant
    }

    @Test func serveAnswers_tellsHowToMakeTheFirstKey_andStopsCleanlyOnSIGTERM() async throws {
        let cli = CLIRunner(now: nil)
        let p = Process()
        p.executableURL = CLIRunner.binary
        p.arguments = ["serve", "--port", "0", "--db", cli.database]
        p.environment = cli.environment
        p.currentDirectoryURL = cli.folder
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // The first line names the address, with the port the system chose.
        var printed = ""
        let deadline = Date().addingTimeInterval(20)
        while !printed.contains("\n") && Date() < deadline {
            printed += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        let url = try #require(printed.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        let (data, response) = try await URLSession.shared.data(from: URL(string: url + "/health")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200 && String(decoding: data, as: UTF8.self).contains("ok"))
        let (_, unauthorized) = try await URLSession.shared.data(from: URL(string: url + "/v1/vouchers")!)
        #expect((unauthorized as? HTTPURLResponse)?.statusCode == 401)
        p.terminate()  // SIGTERM
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 0)
        #expect(stderr.contains("goodwill keys create --role admin --name admin"))
        #expect(stderr.contains(#""route":"GET /health""#) && stderr.contains(#""status":401"#))
        #expect(stderr.contains("Stopped:"))
        #expect(try cli.run(["verify", "--db", cli.database]).status == 0)
    }
}
