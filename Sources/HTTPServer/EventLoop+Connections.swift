import Glibc

/// Reading, dispatching and writing on one connection (all on the loop's thread).
extension EventLoop {
    private static let continueBytes: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    /// How long a closing connection keeps draining the client's bytes (RFC 9112 §9.6).
    private static let lingerNanoseconds: UInt64 = 2_000_000_000

    func handle(_ connection: Connection, flags: UInt32) {
        if flags & (Epoll.error | Epoll.hangUp) != 0 && flags & Epoll.input == 0 {
            close(connection)
            return
        }
        if flags & Epoll.output != 0 {
            writeOut(connection)
            if connection.isClosed { return }
            // Room in the write buffer again: parse the requests held back while it was full
            // (they were already read, so the socket will not signal them again).
            if canParseMore(connection) { process(connection) }
        }
        if flags & Epoll.input != 0 { readIn(connection) }
        if !connection.isClosed { afterIO(connection) }
    }

    private func readIn(_ connection: Connection) {
        let count = recv(connection.fd, scratch.baseAddress, scratch.count, 0)
        if count > 0 {
            if connection.lingering { return }
            connection.parser.append(UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
            process(connection)
        } else if count == 0 {
            if connection.lingering {
                close(connection)
                return
            }
            // The client finished sending; answer what it asked and then close.
            connection.peerClosed = true
            process(connection)
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            close(connection)
        }
    }

    /// Parses every complete request in the buffer and hands each to the responder. When the
    /// pipeline limit stopped parsing and responses then went out, the requests still buffered
    /// are parsed too: the socket will not signal bytes that were already read from it.
    func process(_ connection: Connection) {
        while parseAndDispatch(connection) > 0 && canParseMore(connection) {}
    }

    /// Whether buffered bytes may hold requests the pipeline limit or a full write buffer kept
    /// us from taking.
    func canParseMore(_ connection: Connection) -> Bool {
        !connection.isClosed && !connection.stopReading && !draining && !connection.closeAfterWrite
            && connection.parser.bufferedCount > 0 && hasRoom(connection)
    }

    /// Whether the connection may take another request: its pipeline is not full and the client
    /// is reading its answers. A client that pipelines without reading would otherwise have
    /// us read, answer and buffer without bound.
    func hasRoom(_ connection: Connection) -> Bool {
        connection.inflight.count < shared.configuration.maxPipelinedRequests
            && connection.unsentCount < shared.configuration.maxBufferedResponseBytes
    }

    /// One pass: dispatches requests until the buffer runs dry or the pipeline or the write
    /// buffer is full, then flushes. Returns how many requests it dispatched.
    private func parseAndDispatch(_ connection: Connection) -> Int {
        var dispatched = 0
        connection.processing = true
        parsing: while !connection.stopReading && !draining && hasRoom(connection) {
            switch connection.parser.next() {
            case .needMoreData:
                break parsing
            case .continueExpected:
                if connection.inflight.isEmpty {
                    connection.writeBuffer.append(contentsOf: Self.continueBytes)
                } else {
                    connection.continuePending = true
                }
            case .failure(let error):
                // No body will be read, so do not invite one.
                connection.continuePending = false
                connection.failure = error
                connection.stopReading = true
            case .request(var request):
                // The body is here (the client did not wait for the interim response): a `100
                // Continue` still owed would now go out after this request's final response,
                // where the client would take it for the answer to its next request.
                connection.continuePending = false
                requestCounter += 1
                request.id = requestCounter << 8 | UInt64(index & 0xFF)
                request.remoteAddress = connection.remoteAddress
                let sequence = connection.nextSequence
                connection.nextSequence += 1
                connection.inflight.append(.init(
                    sequence: sequence,
                    keepAlive: request.keepAlive,
                    omitBody: request.method == .head,
                    announceKeepAlive: request.version == .http1_0 && request.keepAlive,
                    response: nil
                ))
                if !request.keepAlive { connection.stopReading = true }
                dispatched += 1
                shared.responder.respond(
                    to: request,
                    completion: ResponseCompletion(loop: self, connectionID: connection.id, sequence: sequence)
                )
            }
        }
        connection.processing = false
        // A client that has finished sending gets an answer to everything it sent, then the
        // close; while the pipeline limit or a full write buffer holds requests back, keep
        // taking them.
        let heldBack = !hasRoom(connection) && connection.parser.bufferedCount > 0
        if connection.peerClosed && !heldBack { connection.stopReading = true }
        flush(connection)
        return dispatched
    }

    /// Encodes every response that is next in order, then the pending error if nothing is
    /// in flight any more, and sends the lot.
    func flush(_ connection: Connection) {
        guard !connection.isClosed else { return }
        while let first = connection.inflight.first, let response = first.response {
            connection.inflight.removeFirst()
            let last = connection.inflight.isEmpty
            let close = !first.keepAlive
                || response.headers.containsToken("close", in: "Connection")
                || (last && connection.failure == nil && (draining || connection.stopReading))
            encoder.encode(response, omitBody: first.omitBody, close: close,
                           announceKeepAlive: first.announceKeepAlive && !close, into: &connection.writeBuffer)
            if close {
                connection.closeAfterWrite = true
                connection.stopReading = true
                connection.inflight.removeAll()
                connection.failure = nil
                break
            }
            if last && connection.continuePending {
                connection.continuePending = false
                connection.writeBuffer.append(contentsOf: Self.continueBytes)
            }
        }
        if connection.inflight.isEmpty && !connection.closeAfterWrite {
            if let failure = connection.failure {
                encoder.encode(shared.responder.refusal(for: failure), omitBody: false, close: true,
                               announceKeepAlive: false, into: &connection.writeBuffer)
                connection.closeAfterWrite = true
            } else if connection.stopReading || draining {
                connection.closeAfterWrite = true
            }
        }
        notePeakUnsent(connection)
        writeOut(connection)
    }

    func writeOut(_ connection: Connection) {
        while connection.hasUnsentBytes {
            let sent = connection.writeBuffer.withUnsafeBytes { bytes in
                Socket.send(connection.fd, UnsafeRawBufferPointer(rebasing: bytes[connection.writeOffset...]))
            }
            if sent > 0 {
                connection.writeOffset += sent
                connection.bytesSent += sent
            } else if sent < 0 && errno == EINTR {
                continue
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // A reader that takes bytes steadily but never lets the buffer empty would keep
                // the sent bytes in front forever; drop them once they are the larger part.
                if connection.writeOffset >= 64 * 1024 && connection.writeOffset * 2 >= connection.writeBuffer.count {
                    connection.writeBuffer.removeSubrange(0..<connection.writeOffset)
                    connection.writeOffset = 0
                }
                return
            } else {
                close(connection)
                return
            }
        }
        connection.writeBuffer.removeAll(keepingCapacity: true)
        connection.writeOffset = 0
        if connection.closeAfterWrite && !connection.lingering { beginLinger(connection) }
    }

    /// Half-closes and reads until the client closes too, so bytes it already sent do not
    /// turn our close into a reset that destroys the response in flight (RFC 9112 §9.6).
    private func beginLinger(_ connection: Connection) {
        if connection.peerClosed {
            close(connection)
            return
        }
        shutdown(connection.fd, Int32(SHUT_WR))
        connection.lingering = true
        connection.deadlineKind = .linger
        connection.deadline = now + min(Self.lingerNanoseconds, shared.idleNanoseconds)
    }

    /// Re-arms epoll interest and the deadline to match what the connection now waits for.
    func afterIO(_ connection: Connection) {
        guard !connection.isClosed else { return }
        let wantsRead = connection.lingering || (!connection.peerClosed && !connection.stopReading && !draining
            && hasRoom(connection))
        if !wantsRead && !connection.hasUnsentBytes && connection.inflight.isEmpty && !connection.lingering {
            close(connection)
            return
        }
        var interest: UInt32 = 0
        if wantsRead { interest |= Epoll.input }
        if connection.hasUnsentBytes { interest |= Epoll.output }
        if interest != connection.interest {
            connection.interest = interest
            _ = epoll.control(epollFD, Epoll.modify, connection.fd, events: interest, token: connection.id)
        }
        updateDeadline(connection, wantsRead: wantsRead)
    }

    private func notePeakUnsent(_ connection: Connection) {
        let unsent = connection.unsentCount
        if unsent > peakUnsentBytes.load(ordering: .relaxed) { peakUnsentBytes.store(unsent, ordering: .relaxed) }
    }

    func close(_ connection: Connection) {
        guard !connection.isClosed else { return }
        connection.isClosed = true
        // Closing the descriptor also removes it from the epoll set.
        Glibc.close(connection.fd)
        connections.removeValue(forKey: connection.id)
        if connection.isRefusal {
            lingeringRefusals -= 1
        } else {
            shared.activeConnections.wrappingSubtract(1, ordering: .relaxed)
        }
    }
}
