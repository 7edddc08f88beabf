// Pull sync from hospital EHR FHIR APIs (issue 9 point 4): an EHR is an Endpoint resource, and this
// extension says how Stroma signs in there (SMART Backend Services) and which identifiers name the
// hospital's patients. The private key is never in the resource: anyone who may read Endpoints would
// read it. `keyRef` names a JWK set file in the server's SYNC_KEYS_DIR instead (README.md, "Pull sync").

Extension: SmartBackendClient
Id: smart-backend-client
Title: "SMART Backend Services client at an EHR"
Description: "On an Endpoint of an EHR's FHIR API that Stroma pulls results from: the client Stroma is registered as there (SMART Backend Services, client_credentials with a private_key_jwt assertion), the reference of its private key in the server's configuration (never the key itself), and the identifier system of the hospital's medical record numbers, which Stroma keeps on its participants' Patients."
Context: Endpoint
* ^publisher = "Stroma"
* extension contains
    tokenUrl 1..1 and
    clientId 1..1 and
    kid 1..1 and
    alg 1..1 and
    keyRef 1..1 and
    scope 0..1 and
    patientIdentifierSystem 1..1
* extension[tokenUrl] ^short = "The EHR's token endpoint (the aud of the client assertions)"
* extension[tokenUrl].value[x] 1..1
* extension[tokenUrl].value[x] only url
* extension[clientId] ^short = "The client id the EHR registered Stroma under (iss and sub of the assertions)"
* extension[clientId].value[x] 1..1
* extension[clientId].value[x] only string
* extension[kid] ^short = "The key id of the signing key, as the EHR knows its public half"
* extension[kid].value[x] 1..1
* extension[kid].value[x] only string
* extension[alg] ^short = "The signing algorithm, RS384 or ES384 (SMART Backend Services)"
* extension[alg].value[x] 1..1
* extension[alg].value[x] only code
* extension[alg].valueCode from SmartBackendAlgorithms (required)
* extension[keyRef] ^short = "The JWK set file of SYNC_KEYS_DIR that holds the private key: <keyRef>.json"
* extension[keyRef].value[x] 1..1
* extension[keyRef].value[x] only string
* extension[keyRef] obeys smart-backend-key-ref
* extension[scope] ^short = "The scopes asked for; system/Observation.rs when absent"
* extension[scope].value[x] 1..1
* extension[scope].value[x] only string
* extension[patientIdentifierSystem] ^short = "The identifier system of the hospital's MRNs"
* extension[patientIdentifierSystem].value[x] 1..1
* extension[patientIdentifierSystem].value[x] only uri

Invariant: smart-backend-key-ref
Description: "A key reference is a plain file name stem: letters, digits, dot, underscore and hyphen, not starting with a dot"
Severity: #error
Expression: "value.ofType(string).matches('^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$')"

CodeSystem: SmartBackendAlgorithmCodes
Id: smart-backend-algorithms
Title: "SMART Backend Services signing algorithms"
Description: "The JWS algorithms SMART Backend Services requires clients to support."
* ^url = "https://stroma-fhir.org/fhir/CodeSystem/smart-backend-algorithms"
* ^publisher = "Stroma"
* ^caseSensitive = true
* #RS384 "RSASSA-PKCS1-v1_5 with SHA-384"
* #ES384 "ECDSA on P-384 with SHA-384"

ValueSet: SmartBackendAlgorithms
Id: smart-backend-algorithms
Title: "SMART Backend Services signing algorithms"
Description: "RS384 and ES384."
* ^url = "https://stroma-fhir.org/fhir/ValueSet/smart-backend-algorithms"
* ^publisher = "Stroma"
* include codes from system SmartBackendAlgorithmCodes
