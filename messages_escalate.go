package pingan

// escalateMessages are the messages of escalation and where a case goes after an action.
var escalateMessages = map[string][2]string{}
