print("ledgerline")
