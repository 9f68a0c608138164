package pingan

// phoneMessages are the messages of the grid worker's phone page, online and offline.
var phoneMessages = map[string][2]string{}
