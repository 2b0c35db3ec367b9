import Foundation
import HTTPServer
import Ledger

/// The hot answers (a voucher, a receipt) as JSON. Starts as JSONEncoder; see the benchmark notes.
enum FastJSON {
    static func response(_ voucher: VoucherView, status: HTTPStatus = .ok) -> HTTPResponse {
        JSON.response(voucher, status: status)
    }

    static func response(_ receipt: LedgerReceipt, status: HTTPStatus = .ok) -> HTTPResponse {
        JSON.response(receipt, status: status)
    }
}
