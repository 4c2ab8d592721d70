package check

// Report is check.json and the --format json report.
type Report struct {
	Inputs  Inputs  `json:"inputs"`
	Cluster Cluster `json:"cluster"`
	// Identities: one per CredentialsRequest (and the installer user), in
	// request order.
	Identities []*Identity `json:"identities"`
	OIDC       *OIDC       `json:"oidc,omitempty"`
	Summary    Summary     `json:"summary"`
	// Problems are inputs that could not be used; the result is partial.
	Problems []string `json:"problems"`
	// Warnings are policy content read literally (lenient parse).
	Warnings []string `json:"warnings,omitempty"`
}

// Inputs names what was read.
type Inputs struct {
	CredentialsRequests   string   `json:"credentialsRequests"`
	AuthorizationDetails  []string `json:"authorizationDetails"`
	SCPLevels             []string `json:"scpLevels,omitempty"`
	EndpointPolicy        string   `json:"endpointPolicy,omitempty"`
	OIDCProvider          string   `json:"oidcProvider,omitempty"`
	Mode                  string   `json:"mode"`
	InstallerUserName     string   `json:"installerUserName,omitempty"`
	InstallerRequestsFile string   `json:"installerRequestsFile,omitempty"`
	// Context are the keys --context-entries added to every request.
	Context map[string][]string `json:"context,omitempty"`
}

// Cluster is whose identities were looked for, and how it was known.
type Cluster struct {
	Name        string   `json:"name,omitempty"`
	InfraID     string   `json:"infraID,omitempty"`
	InfraPrefix string   `json:"infraPrefix,omitempty"`
	Inferred    bool     `json:"inferred"`
	Evidence    []string `json:"evidence,omitempty"`
}

// Kinds of identity.
const (
	KindSTSRole       = "sts-role"
	KindMintUser      = "mint-user"
	KindInstallerUser = "installer-user"
)

// Identity is one CredentialsRequest (or the installer) and what was found
// for it.
type Identity struct {
	// Request is the CredentialsRequest's Ref, or "installer".
	Request   string `json:"request"`
	Name      string `json:"name,omitempty"` // the request's metadata.name
	Namespace string `json:"secretNamespace,omitempty"`
	// Kind, Principal and ARN are empty when the identity is absent.
	Kind      string `json:"kind,omitempty"`
	Principal string `json:"principal,omitempty"`
	ARN       string `json:"arn,omitempty"`
	// LookedFor lists the names searched, when absent.
	LookedFor []string `json:"lookedFor,omitempty"`
	// Findings are absent, denied, untrusted, source-restricted; sorted.
	Findings []string `json:"findings"`
	Results  []Result `json:"results"`
	Trust    []Trust  `json:"trust,omitempty"`
	// SourceRestricted is the installer's presigned-URL check.
	SourceRestricted *SourceCheck `json:"sourceRestricted,omitempty"`
	Notes            []string     `json:"notes,omitempty"`
}

// Blockers of a denied action.
const (
	BlockIdentity       = "identity-policy"
	BlockBoundary       = "permissions-boundary"
	BlockSCP            = "scp"
	BlockEndpoint       = "endpoint-policy"
	BlockMissingContext = "missing-context"
	BlockResource       = "resource-policy"
	BlockSession        = "session-policy"
)

// Result is one action on one resource, as AWS's simulator reports it,
// with the blocker of a denied action.
type Result struct {
	Action   string `json:"EvalActionName"`
	Resource string `json:"EvalResourceName"`
	Decision string `json:"EvalDecision"`
	// Pattern is the entry's action when it held wildcards.
	Pattern string `json:"pattern,omitempty"`
	// Blocker is empty when allowed.
	Blocker string `json:"blocker,omitempty"`
	// SCPLevel is the organization level (from 1) of an scp blocker.
	SCPLevel int `json:"scpLevel,omitempty"`
	// Detail names the deciding statement or the missing key.
	Detail string `json:"detail"`
	// Context is the entry's condition context the request carried.
	Context              map[string][]string `json:"context,omitempty"`
	MissingContextValues []string            `json:"MissingContextValues"`
	MatchedStatements    []string            `json:"matchedStatements"`
}

// Trust is one service account's sts:AssumeRoleWithWebIdentity.
type Trust struct {
	ServiceAccount string `json:"serviceAccount"`
	Subject        string `json:"subject"`
	Federated      string `json:"federated"`
	Decision       string `json:"EvalDecision"`
	Detail         string `json:"detail"`
}

// SourceCheck is s3:GetObject by the installer user from a cluster node.
type SourceCheck struct {
	// Conditions name the statements with Source* conditions.
	Conditions []string `json:"conditions"`
	// SourceIP is the AWS public address the request was judged from.
	SourceIP string `json:"sourceIp"`
	Resource string `json:"resource"`
	Decision string `json:"EvalDecision"`
	Detail   string `json:"detail"`
}

// OIDC is what --oidc-provider and --probe-oidc found.
type OIDC struct {
	Issuer      string      `json:"issuer,omitempty"`
	ProviderARN string      `json:"providerArn,omitempty"`
	Checks      []OIDCCheck `json:"checks"`
	Probe       any         `json:"probe,omitempty"`
}

// OIDCCheck is one check of the provider.
type OIDCCheck struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Summary counts the findings.
type Summary struct {
	Identities       int `json:"identities"`
	Absent           int `json:"absent"`
	Denied           int `json:"denied"` // denied actions
	Untrusted        int `json:"untrusted"`
	SourceRestricted int `json:"sourceRestricted"`
}
