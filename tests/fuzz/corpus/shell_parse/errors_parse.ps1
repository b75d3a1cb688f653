# A syntax error anywhere: nothing runs, the error is shown with its
# position and the exit status is 65.
'this line does not run'
$x = 1 2
