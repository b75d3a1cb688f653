# Select-Object: -Property (names, wildcards, calculated properties with
# Name/Expression and the short n/e keys), -ExpandProperty, -First, -Last,
# -Skip, -Unique; Import-Csv rows as input. Each table goes through its own
# Format-Table so that objects of different shapes never share one.
$rooms = Import-Csv rooms.csv
$rooms | Select-Object Name, Capacity | Format-Table
$rooms | Select-Object -First 2 -Property Name | Format-Table
$rooms | Select-Object -Last 1 | Select-Object -ExpandProperty UPN
$rooms | Select-Object -Skip 3 -ExpandProperty Name
$rooms | Select-Object Name, @{ Name = 'Seats'; Expression = { [int]$_.Capacity * 2 } } -First 2 | Format-Table
$rooms | Select-Object @{ n = 'Alias'; e = { $_.UPN.Split('@')[0] } } -First 1 | Format-Table
$rooms | Select-Object -ExpandProperty Building -Unique
$rooms[0] | Select-Object *am* | Format-List
1..10 | Select-Object -First 3
1..10 | Select-Object -Last 2
'b', 'a', 'b' | Select-Object -Unique
(Import-Csv rooms.csv | Select-Object -First 1).Name
