package pingan

// limitMessages: public endpoints under abuse: rate limits, photos checked by content, headers (web, api, open311).
var limitMessages = map[string][2]string{}
