// The meta.tag the server puts on the resources it owns (src/fhir/conformance/conformance-store.ts).

CodeSystem: StromaServerOwned
Id: server-owned
Title: "Stroma server-owned resources"
Description: "Tags (meta.tag) that mark a resource the server owns. Such a resource is read-only to clients: an update, patch or delete of it is refused, and a client may not put the tag on a resource of its own."
* ^url = "https://stroma-fhir.org/fhir/CodeSystem/server-owned"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #profiles "From profiles/" "A conformance resource of the installation's profiles/ folder (StructureDefinition, ValueSet, CodeSystem, SearchParameter or OperationDefinition), stored by the server at start: replaced when its file changes, deleted when its file is removed."
