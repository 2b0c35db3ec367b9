import Foundation
import GoodwillCore
import Ledger
import Store
import Testing
@testable import GoodwillAPI

/// What the server's storage refuses is said as such, not as a 500 asking for a retry: a reviewer
/// filled the disk under `serve` and got 45,000 answers of "internal-error, retry" and nothing
/// in the log saying why.
@Suite struct StorageProblemTests {
    /// A full book (SQLite's page limit stands in for the disk) refuses a batch of issues with
    /// SQLITE_FULL, which is answered 503 storage-full with a Retry-After; a refused command
    /// stores nothing.
    @Test func aFullDisk_isAnsweredStorageFull_andWhatIsRefusedStoresNothing() throws {
        let folder = TemporaryFolder()
        let ledger = try Ledger(path: folder.database, clock: ManualClock(instant("2026-01-05T09:00:00Z")),
                                options: .init(durable: false, bufferedWAL: true))
        let issue = LedgerCommand.issue(IssueRequest(value: Money(minorUnits: 1_000, currency: .sek), validity: .months(12)))
        _ = try ledger.performBatch([(issue, "test", nil)]).map { try $0.get() }
        let pages = try ledger.db.scalarInt("PRAGMA page_count")
        _ = try ledger.db.scalarInt("PRAGMA max_page_count = \(pages)")
        // The batch either answers each command (those that fitted, then the refused) or, when
        // SQLite gives the transaction up, fails as a whole: the first refusal either way.
        var results: [Result<LedgerReceipt, any Error>]?
        var refusal: (any Error)?
        do {
            results = try ledger.performBatch(Array(repeating: (command: issue, actor: "test", idempotencyKey: String?.none), count: 400))
            if case .failure(let e)? = results?.first(where: { if case .failure = $0 { true } else { false } }) { refusal = e }
        } catch {
            refusal = error
        }
        let error = try #require(refusal, "400 issues fitted in \(pages) pages")
        let problem = Problem.from(error)
        #expect(problem.status.code == 503 && problem.code == "storage-full", "\(error)")
        #expect(problem.headers["Retry-After"] == "30")
        #expect(problem.detail.contains("nothing of this request was stored"))
        // What was refused stored nothing: the book holds the first voucher and those that fitted.
        let fitted = results?.filter { if case .success = $0 { true } else { false } }.count ?? 0
        #expect(try ledger.store.countVouchers() == Int64(1 + fitted))
        _ = try ledger.db.scalarInt("PRAGMA max_page_count = 1073741823")
        #expect(try ledger.verify().ok)
    }

    @Test(arguments: [(8, "may not be written"), (11, "is damaged"), (26, "is damaged"), (10, "failed to read or write"), (14, "failed to read or write")])
    func otherStorageFaults_areStorageErrors_forTheOperator(code: Int32, cause: String) {
        let problem = Problem.from(DatabaseError(extendedCode: code, message: "from SQLite"))
        #expect(problem.status.code == 503 && problem.code == "storage-error")
        #expect(problem.detail.contains(cause) && problem.detail.contains("Tell the operator"), "\(problem.detail)")
        #expect(problem.headers["Retry-After"] == nil)
    }

    /// Any other SQLite error stays ours to fix: a 500 that leaks nothing.
    @Test func aConstraintError_staysAnInternalError() {
        #expect(Problem.from(DatabaseError(extendedCode: 2067, message: "UNIQUE constraint failed")).code == "internal-error")
    }
}
