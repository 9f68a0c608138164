package pingan

// hazardMessages are the words of safety hazards and their rectification (安全隐患排查整改, hazard.go).
var hazardMessages = map[string][2]string{}
