package pingan

// openapiMessages: the OpenAPI description and the API docs page (api/openapi.go).
var openapiMessages = map[string][2]string{}
