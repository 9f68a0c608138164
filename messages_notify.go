package pingan

// notifyMessages are the messages of notifications: the bell and the notices sent out.
var notifyMessages = map[string][2]string{}
