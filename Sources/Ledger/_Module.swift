// The ledger operations: issue, redeem, reverse, extend, void, refund, block, expire; each one transaction.
// This file only names the module; its types live beside it.
