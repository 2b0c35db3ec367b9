// A demo server for Benchmarks/http-server.sh: compiled together with Sources/HTTPServer.
// GET /health answers "ok" synchronously; anything else echoes method, path and body size.
import Foundation
import Glibc

struct EchoResponder: HTTPResponder {
    func respond(to request: HTTPRequest, completion: ResponseCompletion) {
        if request.path == "/health" {
            completion(HTTPResponse(text: "ok"))
        } else {
            completion(HTTPResponse(text: "\(request.method) \(request.path) \(request.body.count)\n"))
        }
    }
}

@main
enum EchoMain {
    static func main() async throws {
        let port = UInt16(CommandLine.arguments.dropFirst().first ?? "18090") ?? 18090
        var configuration = HTTPServer.Configuration(port: port)
        if let loops = ProcessInfo.processInfo.environment["LOOPS"].flatMap(Int.init) {
            configuration.eventLoopCount = loops
        }
        let server = HTTPServer(configuration: configuration, responder: EchoResponder())
        try server.start()
        print("listening on 127.0.0.1:\(server.port ?? 0)")
        fflush(stdout)
        let handlers = HTTPServer.installSignalHandlers { _ in Task { await server.shutdown() } }
        await server.waitUntilStopped()
        handlers.cancel()
    }
}
