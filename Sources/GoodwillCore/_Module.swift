// The pure domain: money, voucher codes, validity and expiry in a time zone, hashes, the clock. No I/O.
// This file only names the module; its types live beside it.
