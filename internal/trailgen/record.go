package trailgen

import (
	"math/rand/v2"
	"strings"
	"time"
)

// record is one CloudTrail event. Field order follows what CloudTrail
// delivers; optional fields are omitted the way CloudTrail omits them.
type record struct {
	EventVersion        string        `json:"eventVersion"`
	UserIdentity        *userIdentity `json:"userIdentity"`
	EventTime           string        `json:"eventTime"`
	EventSource         string        `json:"eventSource"`
	EventName           string        `json:"eventName"`
	AWSRegion           string        `json:"awsRegion"`
	SourceIPAddress     string        `json:"sourceIPAddress"`
	UserAgent           string        `json:"userAgent"`
	ErrorCode           string        `json:"errorCode,omitempty"`
	ErrorMessage        string        `json:"errorMessage,omitempty"`
	RequestParameters   any           `json:"requestParameters"`
	ResponseElements    any           `json:"responseElements"`
	AdditionalEventData any           `json:"additionalEventData,omitempty"`
	RequestID           string        `json:"requestID,omitempty"`
	EventID             string        `json:"eventID"`
	ReadOnly            bool          `json:"readOnly"`
	Resources           []resource    `json:"resources,omitempty"`
	EventType           string        `json:"eventType"`
	ManagementEvent     bool          `json:"managementEvent"`
	RecipientAccountID  string        `json:"recipientAccountId"`
	ServiceEventDetails any           `json:"serviceEventDetails,omitempty"`
	EventCategory       string        `json:"eventCategory"`
	TLSDetails          *tlsDetails   `json:"tlsDetails,omitempty"`
	ConsoleSession      string        `json:"sessionCredentialFromConsole,omitempty"`
}

type userIdentity struct {
	Type             IdentityType    `json:"type,omitempty"`
	PrincipalID      string          `json:"principalId,omitempty"`
	ARN              string          `json:"arn,omitempty"`
	AccountID        string          `json:"accountId,omitempty"`
	AccessKeyID      string          `json:"accessKeyId,omitempty"`
	UserName         string          `json:"userName,omitempty"`
	IdentityProvider string          `json:"identityProvider,omitempty"`
	SessionContext   *sessionContext `json:"sessionContext,omitempty"`
	InvokedBy        string          `json:"invokedBy,omitempty"`
}

type sessionContext struct {
	SessionIssuer       *sessionIssuer `json:"sessionIssuer,omitempty"`
	WebIDFederationData *webIDFed      `json:"webIdFederationData,omitempty"`
	Attributes          attributes     `json:"attributes"`
	EC2RoleDelivery     string         `json:"ec2RoleDelivery,omitempty"`
}

type sessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

type webIDFed struct {
	FederatedProvider string    `json:"federatedProvider,omitempty"`
	Attributes        *struct{} `json:"attributes,omitempty"`
}

type attributes struct {
	CreationDate     string `json:"creationDate"`
	MFAAuthenticated string `json:"mfaAuthenticated"`
}

type resource struct {
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type"`
	ARN       string `json:"ARN"`
}

type tlsDetails struct {
	TLSVersion               string `json:"tlsVersion"`
	CipherSuite              string `json:"cipherSuite"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader"`
}

// entry is one (identity, call) pair of the scenario, with the region its
// records are logged in.
type entry struct {
	id      *Identity
	call    *Call
	cluster *Cluster // nil for non-cluster callers
	region  string
}

// entries flattens a scenario into its calls, in table order.
func entries(s *Scenario) []entry {
	var es []entry
	add := func(c *Cluster, id *Identity) {
		for j := range id.Calls {
			cl := &id.Calls[j]
			es = append(es, entry{id: id, call: cl, cluster: c, region: callRegion(id, cl)})
		}
	}
	for ci := range s.Clusters {
		c := &s.Clusters[ci]
		for ii := range c.Identities {
			add(c, &c.Identities[ii])
		}
	}
	for ii := range s.Others {
		add(nil, &s.Others[ii])
	}
	return es
}

// callRegion is where CloudTrail logs a call: global services in us-east-1,
// everything else in the caller's region.
func callRegion(id *Identity, c *Call) string {
	switch c.Service {
	case "iam", "route53", "signin":
		return globalRegion
	}
	return id.Region
}

// builder turns entries into records with one object's random stream.
type builder struct {
	rng     *rand.Rand
	account string
	ids     map[string]*Identity // cluster identities by name; read-only
	variety Variety
	seq     int // the record's number in the trail, for Variety
}

func (b *builder) lookup(name string) *Identity { return b.ids[name] }

func (b *builder) build(e *entry, t time.Time) *record {
	id, c := e.id, e.call
	r := &record{
		EventVersion:       "1.08",
		EventTime:          ctTime(t),
		EventSource:        c.Service + ".amazonaws.com",
		EventName:          c.Event,
		AWSRegion:          e.region,
		SourceIPAddress:    id.SourceIP,
		UserAgent:          id.UserAgent,
		EventID:            randUUID(b.rng),
		ReadOnly:           readOnly(c.Event),
		EventType:          "AwsApiCall",
		ManagementEvent:    true,
		RecipientAccountID: b.account,
		EventCategory:      "Management",
	}
	target := ""
	if len(c.Targets) > 0 {
		target = pick(b.rng, c.Targets)
	}
	r.UserIdentity = b.identity(e, target, t)
	host := serviceHost(c.Service, e.region)
	p := b.params(e, target, t)
	r.RequestParameters, r.ResponseElements = p.req, p.resp
	r.AdditionalEventData, r.Resources = p.extra, p.resources
	if p.host != "" {
		host = p.host
	}
	r.RequestID = randUUID(b.rng)
	switch {
	case c.Service == "s3":
		r.RequestID = strings.ToUpper(randHex(b.rng, 16))
		r.UserAgent = "[" + r.UserAgent + "]"
		if s3DataEvent(c.Event) {
			r.EventVersion = "1.09"
			r.EventCategory = "Data"
			r.ManagementEvent = false
		}
	case c.Service == "monitoring" && (c.Event == "GetMetricData" || c.Event == "PutMetricData"):
		r.EventCategory = "Data"
		r.ManagementEvent = false
	case c.Service == "signin":
		r.EventType = "AwsConsoleSignIn"
		r.RequestID = ""
		host = "signin.aws.amazon.com"
	case c.ServiceEvent:
		r.EventType = "AwsServiceEvent"
		r.RequestID = ""
		r.ServiceEventDetails = p.serviceDetails
	}
	if id.Type == Root && c.Service != "signin" {
		r.ConsoleSession = "true"
	}
	if kmsViaEBS(e) {
		// EBS calls KMS on the caller's behalf when it encrypts volumes.
		r.UserIdentity.InvokedBy = "ec2.amazonaws.com"
		r.SourceIPAddress, r.UserAgent = "ec2.amazonaws.com", "ec2.amazonaws.com"
		host = ""
	}
	if id.Type != AWSService && host != "" {
		r.TLSDetails = &tlsDetails{TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ClientProvidedHostHeader: host}
	}
	if d := c.Deny; d != nil {
		r.ErrorCode = d.Code
		r.ErrorMessage = b.denyMessage(e, r.UserIdentity, d)
		r.ResponseElements = nil
		if d.Cause == PlainS3 {
			// A presigned URL (bootstrap ignition) fetched from the
			// cluster, not from where the installer runs.
			r.SourceIPAddress = e.cluster.EgressIP
			r.UserAgent = "[Ignition/2.20.0]"
			r.AdditionalEventData = s3Extra(b.rng, "QueryString", 0, 0)
		}
	}
	if ip, ok := b.variety.sourceIP(b.seq, r.SourceIPAddress); ok {
		r.SourceIPAddress = ip
	}
	return r
}

func serviceHost(service, region string) string {
	switch service {
	case "iam", "route53":
		return service + ".amazonaws.com"
	}
	return service + "." + region + ".amazonaws.com"
}

func readOnly(event string) bool {
	for _, p := range []string{"Describe", "Get", "List", "Head", "Lookup", "Simulate", "AssumeRole", "Decrypt", "GenerateDataKey", "ReEncrypt"} {
		if strings.HasPrefix(event, p) {
			return true
		}
	}
	return false
}

// s3DataEvent reports whether CloudTrail logs an S3 call as a data event
// (object-level) rather than a management event (bucket-level).
func s3DataEvent(event string) bool {
	switch event {
	case "GetObject", "HeadObject", "PutObject", "DeleteObject", "DeleteObjects",
		"CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "AbortMultipartUpload",
		"ListObjects", "ListObjectsV2":
		return true
	}
	return false
}

func kmsViaEBS(e *entry) bool {
	if e.call.Service != "kms" || e.cluster == nil {
		return false
	}
	switch e.call.Event {
	case "GenerateDataKeyWithoutPlaintext", "CreateGrant", "Decrypt", "ReEncrypt":
		return true
	}
	return false
}

func (b *builder) identity(e *entry, target string, t time.Time) *userIdentity {
	id, acct := e.id, b.account
	created := ctTime(t.Add(-time.Duration(1+b.rng.IntN(3500)) * time.Second))
	switch {
	case e.call.WebIdentity:
		provider := oidcProviderARN(acct, e.cluster.OIDCIssuer)
		return &userIdentity{
			Type:             WebIdentityUser,
			PrincipalID:      provider + ":openshift:" + target,
			UserName:         target,
			IdentityProvider: provider,
		}
	case e.call.ServiceEvent:
		return &userIdentity{AccountID: acct, InvokedBy: id.Name}
	}
	switch id.Type {
	case IAMUser:
		return &userIdentity{
			Type: IAMUser, PrincipalID: awsID("AIDA", id.Name), ARN: userARN(acct, id.Name),
			AccountID: acct, AccessKeyID: longTermKey(id.Name), UserName: id.Name,
		}
	case AssumedRole:
		session := pick(b.rng, id.Sessions)
		if s, ok := b.variety.session(b.seq, id); ok {
			session = s
		}
		sc := &sessionContext{
			SessionIssuer:       &sessionIssuer{"Role", awsID("AROA", id.Name), roleARN(acct, id.Name), acct, id.Name},
			WebIDFederationData: &webIDFed{},
			Attributes:          attributes{created, "false"},
		}
		if e.cluster != nil && e.cluster.OIDCIssuer != "" && id.CredReq != "" {
			sc.WebIDFederationData = &webIDFed{FederatedProvider: oidcProviderARN(acct, e.cluster.OIDCIssuer), Attributes: &struct{}{}}
		} else {
			sc.EC2RoleDelivery = "2.0"
		}
		return &userIdentity{
			Type: AssumedRole, PrincipalID: awsID("AROA", id.Name) + ":" + session,
			ARN: assumedRoleARN(acct, id.Name, session), AccountID: acct,
			AccessKeyID: tempKey(b.rng), SessionContext: sc,
		}
	case FederatedUser:
		name := id.Sessions[0]
		return &userIdentity{
			Type: FederatedUser, PrincipalID: acct + ":" + name,
			ARN: "arn:aws:sts::" + acct + ":federated-user/" + name, AccountID: acct,
			AccessKeyID: tempKey(b.rng),
			SessionContext: &sessionContext{
				SessionIssuer:       &sessionIssuer{"IAMUser", awsID("AIDA", id.Name), userARN(acct, id.Name), acct, id.Name},
				WebIDFederationData: &webIDFed{},
				Attributes:          attributes{created, "false"},
			},
		}
	case Root:
		if e.call.Service == "signin" {
			return &userIdentity{Type: Root, PrincipalID: acct, ARN: "arn:aws:iam::" + acct + ":root", AccountID: acct}
		}
		return &userIdentity{
			Type: Root, PrincipalID: acct, ARN: "arn:aws:iam::" + acct + ":root", AccountID: acct,
			AccessKeyID:    tempKey(b.rng),
			SessionContext: &sessionContext{Attributes: attributes{created, "true"}},
		}
	case AWSAccount:
		return &userIdentity{Type: AWSAccount, PrincipalID: awsID("AIDA", id.Name+"/ci-sync"), AccountID: id.Name}
	case AWSService:
		return &userIdentity{Type: AWSService, InvokedBy: id.Name}
	}
	panic("trailgen: unknown identity type " + string(id.Type))
}

func (b *builder) denyMessage(e *entry, ui *userIdentity, d *Denial) string {
	caller := ui.ARN
	switch d.Cause {
	case PlainS3:
		return "Access Denied"
	case BadToken:
		return "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements"
	case Untrusted:
		return "Not authorized to perform sts:AssumeRoleWithWebIdentity"
	case Encoded:
		return "You are not authorized to perform this operation. Encoded authorization failure message: " + randFrom(b.rng, b64, 640)
	}
	msg := "User: " + caller + " is not authorized to perform: " + d.Action
	if d.Resource != "" {
		res := d.Resource
		if e.call.Service == "s3" {
			res = `"` + res + `"`
		}
		msg += " on resource: " + res
	}
	switch d.Cause {
	case NoAllow:
		msg += " because no identity-based policy allows the " + d.Action + " action"
	case Boundary:
		msg += " with an explicit deny in a permissions boundary"
	case SCP:
		msg += " with an explicit deny in a service control policy"
	}
	if e.call.Service == "ec2" {
		msg = "You are not authorized to perform this operation. " + msg
		if d.Resource != "" {
			msg += ". Encoded authorization failure message: " + randFrom(b.rng, b64, 640)
		}
	}
	return msg
}

func userARN(acct, name string) string { return "arn:aws:iam::" + acct + ":user/" + name }
func roleARN(acct, name string) string { return "arn:aws:iam::" + acct + ":role/" + name }
func assumedRoleARN(acct, role, session string) string {
	return "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + session
}
func oidcProviderARN(acct, issuer string) string {
	return "arn:aws:iam::" + acct + ":oidc-provider/" + strings.TrimPrefix(issuer, "https://")
}
