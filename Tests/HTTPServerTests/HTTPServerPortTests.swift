import Foundation
import Testing
@testable import HTTPServer

/// Who owns a port. Our event loops share theirs through SO_REUSEPORT; another server must not.
@Suite struct HTTPServerPortTests {
    @Test func aSecondServerOnAPortInUse_isRefused_andTheFirstKeepsEveryConnection() async throws {
        try await withServer { _, port in
            var configuration = HTTPServer.Configuration.test()
            configuration.port = port
            let second = HTTPServer(configuration: configuration, responder: StatusResponder())
            #expect(throws: SocketError.addressInUse(host: "127.0.0.1", port: port)) { try second.start() }
            #expect(second.port == nil)
            // Had it bound, the kernel would hand it about half of these.
            for i in 0..<8 {
                let client = try #require(RawClient(port: port))
                client.send("GET /\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(client.readResponse()?.body == "GET /\(i) ")
            }
            await second.shutdown()
        }
    }

    @Test func theMessage_namesTheAddress_andSaysWhatToDo() {
        #expect(SocketError.addressInUse(host: "127.0.0.1", port: 18305).description
            == "Address in use: another server, probably Goodwill, is already listening on 127.0.0.1:18305; stop it or choose another port.")
        #expect(SocketError.addressInUse(host: "::1", port: 80).description.contains("[::1]:80;"))
    }

    /// The probe must not stop a restart: connections the stopped server closed may still be in
    /// TIME_WAIT on the port.
    @Test func aServerStartedAgainOnItsPortAfterShutdown_starts() async throws {
        let first = HTTPServer(configuration: .test(), responder: EchoResponder())
        try first.start()
        let port = try #require(first.port)
        let client = try #require(RawClient(port: port))
        client.send("GET /one HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(client.readResponse()?.body == "GET /one ")
        await first.shutdown()

        var configuration = HTTPServer.Configuration.test()
        configuration.port = port
        try await withServer(configuration) { _, again in
            #expect(again == port)
            let client = try #require(RawClient(port: port))
            client.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.readResponse()?.body == "GET /two ")
        }
    }
}

/// Answers 418 to everything: a request it took would show.
private struct StatusResponder: HTTPResponder {
    func respond(to request: HTTPRequest, completion: ResponseCompletion) {
        completion(HTTPResponse(status: .init(code: 418, reason: "I'm a teapot"), body: Data()))
    }
}
