// Package credreq knows OpenShift's side of AWS credentials: the
// CredentialsRequest manifests operators ship (as `oc adm release extract
// --credentials-requests --cloud=aws` writes them), the installer's
// permissions-policy file and instance-role policies, and the naming rules
// that tie an IAM user or role seen in CloudTrail to the request it was
// made for.
//
// Naming (DESIGN.md section 6):
//
//	infraID     = sanitize(clusterName)[:21] + "-" + rand(5)
//	mint user   = infraID[:20] + "-" + credReqName[:37] + "-" + rand(5)
//	STS role    = (name + "-" + secretRef.namespace + "-" + secretRef.name)[:64]
//	web subject = "system:serviceaccount:" + namespace + ":" + serviceAccount
//	instance    = infraID + "-master-role" | "-worker-role" | "-bootstrap-role"
//
// rand draws from the alphabet of Kubernetes' random strings, which has no
// vowels; that keeps an infra ID from swallowing the start of a request name.
//
// Matcher applies these rules to one identity and says which rule matched;
// Infer guesses the cluster from the identities when no flag names it.
package credreq
