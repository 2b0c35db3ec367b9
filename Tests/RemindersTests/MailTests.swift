import Foundation
import GoodwillCore
@testable import Reminders
import Testing

@Suite struct MailTests {
    /// The maildir message a Swedish holder receives, read back by Python's `email` package.
    @Test func aMaildirMessage_parsesWithPython_withDecodedSwedishSubjectAndBody() throws {
        let f = try ReminderFixture()
        let v = try f.issue(sek(1250), name: "Åsa Öberg")
        try f.redeem(v, sek(1))
        f.clock.set(instant("2026-03-03T09:00:00Z"))
        let maildir = MaildirChannel(root: f.folder.url.appendingPathComponent("maildir").path)
        let report = try f.service.run(channel: maildir)
        #expect(report.sentCount == 1)
        let file = maildir.root + "/new/" + MaildirChannel.fileName(for: report.deliveries[0].messageID)
        let raw = try String(contentsOfFile: file, encoding: .utf8)
        let long = raw.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.utf8.count > 78 }
        #expect(long.isEmpty, "lines over 78: \(long)")
        #expect(raw.contains("Subject: =?utf-8?B?"))

        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/python3" }
        let python = (["/usr/bin/python3"] + path).first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python else { return } // the structural checks above still ran
        let script = """
            import email, json, sys
            from email import policy
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
            body = m.get_body(('plain',))
            ics = [p for p in m.iter_attachments() if p.get_content_type() == 'text/calendar']
            print(json.dumps({'subject': str(m['subject']), 'from': str(m['from']), 'to': str(m['to']),
                'message_id': m['message-id'], 'date': m['date'] is not None and str(m['date'].datetime),
                'mime': m['mime-version'], 'type': m.get_content_type(), 'charset': body.get_content_charset(),
                'cte': body['content-transfer-encoding'], 'body': body.get_content(),
                'ics': ics[0].get_content() if ics else None, 'defects': [str(d) for d in m.defects]}))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script, file]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(parsed["subject"] as? String == "Ditt presentkort hos Takvandring Stockholm väntar fortfarande på dig")
        #expect(parsed["from"] as? String == "Takvandring Stockholm <hej@takvandring.example>")
        #expect(parsed["to"] as? String == "Åsa Öberg <anna@example.com>")
        #expect(parsed["message_id"] as? String == "<\(report.deliveries[0].messageID)@takvandring.example>")
        #expect(parsed["date"] as? String == "2026-03-03 09:00:00+00:00")
        #expect(parsed["mime"] as? String == "1.0")
        #expect(parsed["type"] as? String == "multipart/mixed")
        #expect(parsed["charset"] as? String == "utf-8")
        #expect(parsed["cte"] as? String == "quoted-printable")
        #expect((parsed["defects"] as? [String])?.isEmpty == true)
        let body = try #require(parsed["body"] as? String)
        #expect(body.hasPrefix("Hej Åsa!\n"))
        #expect(body.contains("sista dagen att använda ditt presentkort är om 30 dagar, torsdag 2 april 2026."))
        #expect(body.contains("Kvar att använda: 1\u{00A0}249\u{00A0}kr"))
        #expect(body.contains("Takvandring för två"))
        let ics = try #require(parsed["ics"] as? String)
        #expect(ics.contains("DTSTART;VALUE=DATE:20260402"))
        #expect(ics.contains("DTEND;VALUE=DATE:20260403"))
        #expect(ics.contains("TRIGGER:-P7D"))
    }

    @Test func aLongSubject_isFoldedIntoEncodedWords_neverSplittingACharacter() throws {
        let subject = String(repeating: "åäö ", count: 30) + "slut"
        let header = MIMEEncoding.header("Subject", text: subject)
        let lines = header.components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        var decoded = ""
        for word in header.replacingOccurrences(of: "Subject: ", with: "").split(whereSeparator: \.isWhitespace) {
            #expect(word.hasPrefix("=?utf-8?B?") && word.hasSuffix("?=") && word.count <= 75)
            let payload = word.dropFirst(10).dropLast(2)
            let bytes = try #require(Data(base64Encoded: String(payload)))
            // Each word on its own is valid UTF-8: no sequence was cut.
            decoded += try #require(String(data: bytes, encoding: .utf8))
        }
        #expect(decoded == subject)
        #expect(MIMEEncoding.header("Subject", text: "Plain\r\nBcc: evil@example.com") == "Subject: Plain  Bcc: evil@example.com")
    }

    /// A long non-ASCII name is several encoded-words; they are folded like a subject's, the
    /// address staying whole, and the name reads back exactly.
    @Test func aLongNameInTo_isFolded_andReadsBack() throws {
        let name = "Åsa Öberg-Lindqvist Ström Gustafsson af Näsström"
        let header = MIMEEncoding.addressHeader("To", name: name, email: "asa@example.com")
        let lines = header.components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(lines.map(\.count))")
        var words = header.dropFirst("To: ".count).split(whereSeparator: \.isWhitespace)
        #expect(words.removeLast() == "<asa@example.com>")
        let decoded = try words.map { word -> String in
            let bytes = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            return try #require(String(data: bytes, encoding: .utf8))
        }.joined()
        #expect(decoded == name)
        #expect(MIMEEncoding.addressHeader("From", name: "Anna \"A\" Lind", email: "a@example.com") == #"From: "Anna \"A\" Lind" <a@example.com>"#)
        #expect(MIMEEncoding.addressHeader("To", name: nil, email: "a@example.com") == "To: <a@example.com>")
    }

    @Test func quotedPrintable_keepsLinesShort_andEncodesWhatMustBe() {
        let text = String(repeating: "ö", count: 60) + " = end \n" + String(repeating: "a", count: 200)
        let qp = MIMEEncoding.quotedPrintable(text)
        #expect(qp.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(qp.contains("=3D"))
        #expect(qp.contains("end=20\r\n"))
    }

    @Test func theCalendarEntry_isAnAllDayEventWithCRLFAndFoldedLines() {
        let entry = CalendarEntry(uid: "vch_abc-expiry@example.com", sequence: 1, stamp: instant("2026-03-03T09:00:00Z"),
                                  lastValidDay: LocalDate(iso: "2026-04-02")!,
                                  summary: "Sista dagen för ditt presentkort; " + String(repeating: "ä", count: 50),
                                  description: "CODE-1\nhttps://example.com/boka")
        let text = entry.text
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 75)
            #expect(String(data: Data(line.utf8), encoding: .utf8) != nil)
        }
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("DTSTAMP:20260303T090000Z\r\n"))
        #expect(unfolded.contains("DTSTART;VALUE=DATE:20260402\r\nDTEND;VALUE=DATE:20260403\r\n"))
        #expect(unfolded.contains("SUMMARY:Sista dagen för ditt presentkort\\; ä"))
        #expect(unfolded.contains("DESCRIPTION:CODE-1\\nhttps://example.com/boka"))
        #expect(unfolded.contains("BEGIN:VALARM\r\nACTION:DISPLAY\r\n"))
        #expect(unfolded.contains("TRIGGER:-P7D\r\nEND:VALARM"))
        #expect(unfolded.contains("UID:vch_abc-expiry@example.com\r\nSEQUENCE:1"))
    }

    @Test func sendmail_getsTheMessage_andItsExitStatusDecides() throws {
        let folder = TemporaryFolder()
        let capture = folder.path + "/captured"
        let script = try folder.program("fake-sendmail", "cat > \(capture)\nexit ${FAKE_EXIT:-0}\n")
        #expect(SendmailChannel(command: script).command == [script, "-t", "-i"])
        #expect(SendmailChannel(command: script).deliver(sampleMessage(), now: Date()) == .delivered)
        let captured = try String(contentsOfFile: capture, encoding: .utf8)
        #expect(captured.contains("To: =?utf-8?B?"))
        #expect(captured.contains("Message-ID: <msg_0123456789abcdef0123456789abcdef@example.com>"))
        let tempfail = try folder.program("tempfail", "cat >/dev/null\necho 'queue full' >&2\nexit 75\n")
        #expect(SendmailChannel(command: tempfail).deliver(sampleMessage(), now: Date()) == .temporary("\(tempfail) exited 75 (temporary failure): queue full"))
        let permfail = try folder.program("permfail", "cat >/dev/null\nexit 67\n")
        #expect(SendmailChannel(command: permfail).deliver(sampleMessage(), now: Date()) == .permanent("\(permfail) exited 67"))
    }

    /// A network blip is not a bounce. msmtp, the usual sendmail in containers, exits 75
    /// (EX_TEMPFAIL) when it cannot connect, 71 (EX_OSERR) on a socket error and 74 (EX_IOERR) when
    /// the connection or TLS fails mid-session; Postfix counts 71 and 75 as recoverable. The
    /// reminder goes back in line with the backoff, not into the failed list.
    @Test(arguments: [71, 74, 75] as [Int32])
    func aSendmailExitThatMeansTryLater_putsTheReminderBackInLine(status: Int32) throws {
        let f = try ReminderFixture(retry: RetryPolicy(maxAttempts: 4, baseDelay: 300, maxDelay: 12 * 3600))
        try f.issue()
        f.clock.set(instant("2026-03-03T09:00:00Z"))
        let script = try f.folder.program("sendmail-\(status)", "cat >/dev/null\necho 'network is unreachable' >&2\nexit \(status)\n")
        let d = try #require(try f.service.run(channel: SendmailChannel(command: script)).deliveries.first)
        #expect(d.result == "retrying" && d.error?.contains("\(script) exited \(status)") == true, "\(d)")
        let next = try #require(d.nextAttemptAt.flatMap(RFC3339.parse))
        let wait = next.timeIntervalSince(f.clock.now())
        #expect(wait >= 150 && wait <= 300, "the first backoff, 5 minutes at most: waited \(wait) s")
        let row = try #require(try f.rows().first)
        #expect(row.status == .pending && row.attempts == 1 && row.nextAttemptAt == d.nextAttemptAt, "\(row)")
        #expect(try f.service.reminders(status: .failed).isEmpty)
    }

    /// The other sysexits codes say the message or the setup is wrong (69 EX_UNAVAILABLE, 78
    /// EX_CONFIG: trying again changes nothing): the reminder fails at once, for an operator.
    @Test(arguments: [69, 78] as [Int32])
    func aSendmailExitThatMeansNo_failsTheReminder(status: Int32) throws {
        let f = try ReminderFixture(retry: RetryPolicy(maxAttempts: 4, baseDelay: 300, maxDelay: 12 * 3600))
        try f.issue()
        f.clock.set(instant("2026-03-03T09:00:00Z"))
        let script = try f.folder.program("sendmail-\(status)", "cat >/dev/null\nexit \(status)\n")
        let d = try #require(try f.service.run(channel: SendmailChannel(command: script)).deliveries.first)
        #expect(d.result == "failed" && d.nextAttemptAt == nil && d.error == "\(script) exited \(status)", "\(d)")
        #expect(try f.rows().map(\.status) == [.failed])
    }

    /// A sendmail killed by a signal (an OOM kill, a container stopping) did not refuse the
    /// message: it is tried again.
    @Test func aSendmailKilledByASignal_isTemporary() throws {
        let folder = TemporaryFolder()
        let killed = try folder.program("killed-sendmail", "cat >/dev/null\nkill -KILL $$\n")
        #expect(SendmailChannel(command: killed).deliver(sampleMessage(), now: Date()) == .temporary("\(killed) was killed by signal 9"))
    }

    @Test func aSendmailThatHangs_isStoppedAfterItsTimeout_andTheMessageKept() throws {
        let folder = TemporaryFolder()
        let pidFile = folder.path + "/pid"
        // Takes the message, then never answers (exec: the shell's pid is the sleeper's).
        let hung = try folder.program("hung-sendmail", "cat >/dev/null\necho $$ > \(pidFile)\nexec sleep 60\n")
        let started = Date()
        let outcome = SendmailChannel(command: hung, timeout: 1).deliver(sampleMessage(), now: Date())
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(outcome == .temporary("\(hung) did not finish within 1 s and was stopped; the message will be tried again"))
        // And it is gone, not left running.
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) != 0)

        // One that never reads its input does not block the writing either.
        let deaf = try folder.program("deaf-sendmail", "exec sleep 60\n")
        let big = sampleMessage(body: String(repeating: "Hej! ", count: 100_000))
        let outcome2 = SendmailChannel(command: deaf, timeout: 1).deliver(big, now: Date())
        guard case .temporary = outcome2 else { Issue.record("expected temporary, got \(outcome2)"); return }
    }
}
