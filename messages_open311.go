package pingan

// open311Messages: Open311 GeoReport v2 (open311.go, package open311).
var open311Messages = map[string][2]string{}
