package pingan

// deadlineMessages are the messages of deadlines and rates as people read them: overdue, supervision, countdowns.
var deadlineMessages = map[string][2]string{}
