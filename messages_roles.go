package pingan

// roleMessages are the messages of who may do what: the role table and its refusals.
var roleMessages = map[string][2]string{}
