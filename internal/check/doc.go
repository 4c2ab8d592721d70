// Package check is `cci check`: does the account's IAM state let every
// operator do what its CredentialsRequest needs? It works offline on the
// output of `aws iam get-account-authorization-details`; only --probe-oidc
// goes online.
//
//	validate Options
//	read the CredentialsRequests, the authorization details (pages merged),
//	    the SCP levels, the endpoint policy, the OIDC provider
//	know the cluster: --cluster-name/--infra-id, else credreq.Infer over
//	    every user and role name of the account
//	for each CredentialsRequest:
//	    find its identity: the STS role (ccoctl naming), the minted user
//	        (mint naming); none is the finding absent
//	    for each Allow entry, each action (patterns expanded), each resource:
//	        policy.PolicySet.Evaluate with the identity's policies in force,
//	        its boundary, the SCP levels and the endpoint policy; the context
//	        satisfies the entry's policyCondition, plus --context-entries
//	        -> decision and blocker (a denied action is the finding denied)
//	    STS roles: for each service account, evaluate the trust policy for
//	        sts:AssumeRoleWithWebIdentity as Federated = the OIDC provider
//	        with <host>:sub and <host>:aud (a refusal is untrusted)
//	the installer user: its requests as above, and s3:GetObject from an AWS
//	    public address when a Source* condition restricts it
//	    (source-restricted)
//	--oidc-provider: Url is the issuer, ClientIDList holds openshift
//	--probe-oidc: the issuer's documents are publicly readable
//	write check.json (--output), the report (--format), exit 3 on --fail-on
//
// docs/check.md defines flags, output fields and exit codes.
package check
