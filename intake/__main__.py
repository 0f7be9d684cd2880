from intake.entry import main

main()
