package pingan

// findMessages are the messages of pickers, search and queues.
var findMessages = map[string][2]string{}
