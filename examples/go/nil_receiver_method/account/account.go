// Package account models bank accounts.
package account

// Account is a single bank account.
type Account struct {
	Owner   string
	balance int
}

// Balance returns the account balance.
func (a *Account) Balance() int {
	return a.balance
}

// Bank holds accounts by owner.
type Bank struct {
	accounts map[string]*Account
}

// NewBank returns a bank with one account.
func NewBank() *Bank {
	return &Bank{accounts: map[string]*Account{"alice": {Owner: "alice", balance: 100}}}
}

// Lookup returns the account of owner, or nil.
func (b *Bank) Lookup(owner string) *Account {
	return b.accounts[owner]
}
